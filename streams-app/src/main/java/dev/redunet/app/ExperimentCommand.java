package dev.redunet.app;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./redunet experiment}: the paper's experiments, one sub-command each ({@code vector},
 * {@code rotation}, {@code translation}, {@code sensors}, {@code finetune}).
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = "Reproduce the ReduNet paper's experiments (batch forward construction).",
    subcommands = {
      VectorExperimentCommand.class,
      RotationExperimentCommand.class,
      TranslationExperimentCommand.class,
      SensorsExperimentCommand.class,
      FinetuneExperimentCommand.class
    })
public final class ExperimentCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Without a sub-command: a one-line usage error (exit code 2). */
  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .println(
            "experiment: give an experiment: "
                + String.join(", ", spec.subcommands().keySet())
                + " (see ./redunet experiment --help)");
    spec.commandLine().getErr().flush();
    return 2;
  }
}
