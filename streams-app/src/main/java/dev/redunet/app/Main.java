package dev.redunet.app;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import java.util.List;
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
      ClusterCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      RunCommand.class,
      ExperimentCommand.class,
      ConfigCommand.class,
      DemoCommand.class,
      HealthCommand.class,
      ModelCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs the command line and returns its exit code (0 = success, 2 = usage error). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The command line, with one-line usage errors ({@link #oneLineUsageErrors}). */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler(Main::oneLineUsageErrors);
    return cl;
  }

  /**
   * Reports a bad argument (unknown option, missing or malformed value) on one stderr line that
   * says how to get help, e.g. {@code redunet run: Unknown option: '--layer' (did you mean
   * --layers?); see ./redunet run --help}; exit code 2.
   */
  static int oneLineUsageErrors(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String path = cmd.getCommandSpec().qualifiedName(" ");
    StringBuilder line = new StringBuilder(path).append(": ").append(e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException u) {
      List<String> suggestions = u.getSuggestions();
      if (!suggestions.isEmpty()) {
        line.append(" (did you mean ").append(String.join(" or ", suggestions)).append("?)");
      }
    }
    line.append("; see ./").append(path).append(" --help");
    cmd.getErr().println(line.toString().replace(System.lineSeparator(), " "));
    cmd.getErr().flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  public static void main(String[] args) {
    try {
      AppConfig.checkLauncherVariables(System.getenv());
    } catch (ConfigException e) {
      System.err.println("redunet: " + e.getMessage());
      System.exit(2);
    }
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
