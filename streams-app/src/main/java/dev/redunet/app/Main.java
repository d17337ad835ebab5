package dev.redunet.app;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./redunet}: dispatches to one sub-command per task.
 *
 * <p>{@code broker} and {@code demo} need the development broker (module {@code devtools}: the
 * in-process KRaft broker with the Kafka server, Scala and log4j jars), which the production jar
 * and the container image leave out. They are added when it is on the class path (the {@code
 * ./redunet} launcher of a repository checkout puts it there); without it they are placeholders
 * that say so ({@link DevelopmentOnly}).
 */
@Command(
    name = "redunet",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Online ReduNet (maximal coding rate reduction) and MICL classification.",
    subcommands = {
      CommandLine.HelpCommand.class,
      EvaluateCommand.class,
      ClusterCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      RunCommand.class,
      ExperimentCommand.class,
      ConfigCommand.class,
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
    return commandLine(developmentBrokerPresent());
  }

  /**
   * The command line; {@code broker} and {@code demo} are the real commands if {@code
   * developmentBroker}, else placeholders that explain their absence.
   */
  static CommandLine commandLine(boolean developmentBroker) {
    CommandLine cl = new CommandLine(new Main());
    if (developmentBroker) {
      // Only referenced here: without the development broker these classes are never loaded.
      cl.addSubcommand(new BrokerCommand());
      cl.addSubcommand(new DemoCommand());
    } else {
      cl.addSubcommand("broker", new DevelopmentOnly("broker"));
      cl.addSubcommand("demo", new DevelopmentOnly("demo"));
    }
    cl.setParameterExceptionHandler(Main::oneLineUsageErrors);
    return cl;
  }

  /**
   * True if the development broker ({@code dev.redunet.broker.EmbeddedKafkaBroker} and the Kafka
   * server it runs) can be loaded.
   */
  static boolean developmentBrokerPresent() {
    ClassLoader loader = Main.class.getClassLoader();
    try {
      Class.forName("dev.redunet.broker.EmbeddedKafkaBroker", false, loader);
      Class.forName("kafka.server.KafkaRaftServer", false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * {@code broker} or {@code demo} in a build without the development broker (the production jar,
   * the container image): exit code 2 and a message that says where the command is.
   */
  @Command(
      description =
          "Needs the development broker, which this build (the production jar or image) leaves"
              + " out: run it from a repository checkout with ./redunet.")
  static final class DevelopmentOnly implements Callable<Integer> {
    private final String name;

    @CommandLine.Unmatched List<String> ignored = new ArrayList<>();

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    DevelopmentOnly(String name) {
      this.name = name;
    }

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "redunet "
              + name
              + ": not in this build: the production jar and the container image leave out the"
              + " development broker (the in-process Kafka broker); run ./redunet "
              + name
              + " from a checkout of the repository, or use a Kafka cluster (--bootstrap-servers)");
      err.flush();
      return 2;
    }
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
