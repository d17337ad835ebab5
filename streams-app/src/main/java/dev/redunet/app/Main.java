package dev.redunet.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./redunet}: dispatches to one sub-command per task. */
@Command(
    name = "redunet",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Online ReduNet (maximal coding rate reduction) and MICL classification.",
    subcommands = {
      CommandLine.HelpCommand.class,
      BrokerCommand.class,
      EvaluateCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      RunCommand.class,
      ExperimentCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the command line and returns its exit code (0 = success, 2 = usage error). */
  public static int execute(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Reports the version recorded in the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"redunet-streams " + (v == null ? "development build" : v)};
    }
  }
}
