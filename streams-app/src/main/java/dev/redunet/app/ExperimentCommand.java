package dev.redunet.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./redunet experiment}: the paper's experiments, one sub-command each ({@code vector}; the
 * spectral experiments add theirs here).
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = "Reproduce the ReduNet paper's experiments (batch forward construction).",
    subcommands = {VectorExperimentCommand.class})
public final class ExperimentCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }
}
