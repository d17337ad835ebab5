package dev.redunet.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.DynamicVoters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker in KRaft mode (one process with both the broker and the
 * controller role) running inside the current JVM. Used by the integration tests, by {@code
 * ./redunet broker} and by the demo. It lives in the module {@code devtools}, outside the
 * production jar: the Kafka server, the Scala runtime and log4j come with it.
 *
 * <p>Start-up follows {@code kafka-storage format --standalone} done programmatically: the storage
 * is formatted with a dynamic quorum whose only voter is this node, and a bootstrap snapshot; then
 * a {@link KafkaRaftServer} is started. {@link #start} returns once the broker answers an Admin
 * {@code describeCluster} request.
 *
 * <p>Settings for one node: every internal topic (consumer offsets, transaction state, share
 * coordinator state) has replication factor 1, min ISR 1 and a single partition, so that
 * exactly-once (transactions) works and the first consumer group starts fast. Automatic topic
 * creation is <b>off</b> by default: the streaming application creates its topics explicitly, and a
 * mistyped topic name then fails instead of silently creating a new topic ({@link
 * Builder#autoCreateTopics(boolean)} turns it on).
 *
 * <p>Data directory: by default a fresh temporary directory, deleted on {@link #close()}. A given
 * directory is kept; the ports and the cluster id chosen on its first start are saved in {@value
 * #STATE_FILE} inside it, and a restart on the same directory reuses them (the controller port is
 * part of the stored KRaft voter set, so it must not change; the broker port keeps the bootstrap
 * address stable for clients). The broker port may still be overridden with {@link
 * Builder#port(int)}.
 *
 * <p>Secured listeners: {@link Builder#listener(String, String)} adds a listener of any security
 * protocol (e.g. {@code SASL_SSL}) on a free port, next to the PLAINTEXT one that the broker itself
 * and its admin use; its settings (key store, SASL mechanisms) are broker properties under {@code
 * listener.name.<name>.}. {@link Builder#scramCredential} writes SCRAM credentials into the
 * metadata when the storage is formatted (as {@code kafka-storage format --add-scram} does), so a
 * SCRAM listener accepts them from the first connection on.
 *
 * <p>A fatal broker error makes Kafka halt the JVM ({@code Exit.halt}), as a standalone broker
 * would; this class does not intercept it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  /** Name of the file in the data directory that records the ports and the cluster id. */
  public static final String STATE_FILE = "redunet-broker.properties";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "localhost";
  private static final String LOG_SUBDIR = "kraft-combined-logs";
  private static final int NODE_ID = 1;

  private static final Object SHARED_LOCK = new Object();
  private static EmbeddedKafkaBroker shared;
  private static boolean sharedHookInstalled;

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final boolean deleteDataDirOnClose;
  private final int port;
  private final int controllerPort;
  private final String clusterId;
  private final Map<String, Integer> extraListenerPorts;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaBroker(
      KafkaRaftServer server,
      Path dataDir,
      boolean deleteDataDirOnClose,
      int port,
      int controllerPort,
      String clusterId,
      Map<String, Integer> extraListenerPorts) {
    this.server = server;
    this.dataDir = dataDir;
    this.deleteDataDirOnClose = deleteDataDirOnClose;
    this.port = port;
    this.controllerPort = controllerPort;
    this.clusterId = clusterId;
    this.extraListenerPorts = Map.copyOf(extraListenerPorts);
  }

  /** Returns a builder with the defaults: temporary data directory, free ports. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a broker with the defaults (temporary data directory, free ports). */
  public static EmbeddedKafkaBroker start() {
    return builder().start();
  }

  /**
   * Returns the broker shared by everything in this JVM, starting it (with the defaults) on first
   * use. It is closed by {@link #closeShared()} or, at the latest, by a JVM shutdown hook. Callers
   * must not close it themselves; after {@link #closeShared()} the next call starts a new one.
   */
  public static EmbeddedKafkaBroker shared() {
    synchronized (SHARED_LOCK) {
      if (shared == null || shared.isClosed()) {
        shared = start();
        if (!sharedHookInstalled) {
          Runtime.getRuntime()
              .addShutdownHook(
                  new Thread(EmbeddedKafkaBroker::closeShared, "embedded-kafka-shared-shutdown"));
          sharedHookInstalled = true;
        }
      }
      return shared;
    }
  }

  /** Closes the shared broker if one is running; a no-op otherwise. */
  public static void closeShared() {
    EmbeddedKafkaBroker toClose;
    synchronized (SHARED_LOCK) {
      toClose = shared;
      shared = null;
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  /** The address clients connect to, {@code localhost:<port>}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /**
   * The address of a listener added with {@link Builder#listener(String, String)}, {@code
   * localhost:<port>}.
   *
   * @param listenerName the name given to the builder
   * @throws IllegalArgumentException if the broker has no such listener
   */
  public String bootstrapServers(String listenerName) {
    Integer p = extraListenerPorts.get(listenerName);
    if (p == null) {
      throw new IllegalArgumentException(
          "no listener " + listenerName + "; this broker has " + extraListenerPorts.keySet());
    }
    return HOST + ":" + p;
  }

  /** The port of the PLAINTEXT (client) listener. */
  public int port() {
    return port;
  }

  /** The port of the KRaft controller listener (not for clients). */
  public int controllerPort() {
    return controllerPort;
  }

  /** The data directory (holds {@value #STATE_FILE} and the log directory). */
  public Path dataDir() {
    return dataDir;
  }

  /** True if the data directory is temporary (deleted on close). */
  public boolean isDataDirTemporary() {
    return deleteDataDirOnClose;
  }

  /** The KRaft cluster id. */
  public String clusterId() {
    return clusterId;
  }

  /** True once {@link #close()} has been called. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Shuts the broker down and waits for it; deletes the data directory if it was temporary.
   * Idempotent: later calls return at once.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka broker at {} did not shut down cleanly", bootstrapServers(), e);
    }
    if (deleteDataDirOnClose) {
      deleteRecursively(dataDir);
    }
    LOG.info(
        "Embedded Kafka broker at {} stopped in {} ms",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaBroker{" + bootstrapServers() + ", dataDir=" + dataDir + "}";
  }

  /** Options of an {@link EmbeddedKafkaBroker}; {@link #start()} builds and starts one. */
  public static final class Builder {
    private Path dataDir;
    private int port;
    private Integer messageMaxBytes;
    private boolean autoCreateTopics;
    private Duration startupTimeout = Duration.ofSeconds(60);
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Map<String, String> extraListeners = new LinkedHashMap<>();
    private final List<String> scramArguments = new ArrayList<>();

    private Builder() {}

    /**
     * Keeps the broker's data in {@code dir} (created if missing; must be empty or a directory a
     * previous broker of this class used). Not deleted on close. Default: a temporary directory
     * that is deleted on close.
     */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * The client port; 0 (the default) picks a free one, or reuses the one saved in an existing
     * data directory.
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Largest record batch the broker accepts ({@code message.max.bytes}); Kafka's default is about
     * 1 MiB. Producers need a matching {@code max.request.size}.
     */
    public Builder messageMaxBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("messageMaxBytes must be >= 1024, got " + bytes);
      }
      this.messageMaxBytes = bytes;
      return this;
    }

    /** Whether producing to or fetching from an unknown topic creates it; default false. */
    public Builder autoCreateTopics(boolean enabled) {
      this.autoCreateTopics = enabled;
      return this;
    }

    /** How long {@link #start()} waits for the broker to answer; default 60 s. */
    public Builder startupTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startupTimeout must be positive, got " + timeout);
      }
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Adds a client listener {@code name} with {@code securityProtocol} on a free port (chosen at
     * every start; {@link EmbeddedKafkaBroker#bootstrapServers(String)} tells it). Its own settings
     * are broker properties with the prefix {@code listener.name.<name in lower case>.}, e.g. for
     * SCRAM over TLS: {@code listener.name.secure.sasl.enabled.mechanisms=SCRAM-SHA-512}, {@code
     * listener.name.secure.scram-sha-512.sasl.jaas.config=
     * org.apache.kafka.common.security.scram.ScramLoginModule required;} and {@code
     * listener.name.secure.ssl.keystore.location}/{@code .password}/{@code .type}.
     *
     * @param name upper-case letters, digits and underscores, not PLAINTEXT or CONTROLLER
     * @param securityProtocol PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
     */
    public Builder listener(String name, String securityProtocol) {
      if (!name.matches("[A-Z][A-Z0-9_]*")
          || name.equals("PLAINTEXT")
          || name.equals("CONTROLLER")) {
        throw new IllegalArgumentException(
            "a listener name is upper-case letters, digits and '_', not PLAINTEXT or CONTROLLER;"
                + " got "
                + name);
      }
      SecurityProtocol.forName(securityProtocol); // throws for an unknown protocol
      extraListeners.put(name, securityProtocol);
      return this;
    }

    /**
     * A SCRAM credential written into the cluster metadata when the storage is formatted (a new
     * data directory; a kept one has its credentials already), like {@code kafka-storage format
     * --add-scram}.
     *
     * @param mechanism SCRAM-SHA-256 or SCRAM-SHA-512
     * @param user the user name (letters, digits, '.', '_', '-')
     * @param password the password (no '"', ',' or ']')
     */
    public Builder scramCredential(String mechanism, String user, String password) {
      if (!mechanism.equals("SCRAM-SHA-256") && !mechanism.equals("SCRAM-SHA-512")) {
        throw new IllegalArgumentException(
            "mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512, got " + mechanism);
      }
      if (!user.matches("[A-Za-z0-9._-]+")
          || password.isEmpty()
          || password.matches(".*[\",\\]].*")) {
        throw new IllegalArgumentException(
            "a SCRAM user is letters, digits, '.', '_' and '-', a password non-empty without '\"',"
                + " ',' or ']'");
      }
      scramArguments.add(mechanism + "=[name=" + user + ",password=" + password + "]");
      return this;
    }

    /** Sets any broker property; applied last, so it overrides the settings of this class. */
    public Builder property(String name, String value) {
      overrides.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Formats the storage if needed, starts the broker and waits until it answers.
     *
     * @throws IllegalArgumentException if the caller can fix the problem: the data directory is
     *     foreign or damaged, or a port is taken
     * @throws IllegalStateException if the broker fails to start or does not answer within the
     *     start-up timeout
     */
    public EmbeddedKafkaBroker start() {
      long t0 = System.nanoTime();
      boolean temporary = dataDir == null;
      Path dir;
      try {
        dir = temporary ? Files.createTempDirectory("redunet-kafka-") : dataDir.toAbsolutePath();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary data directory", e);
      }
      KafkaRaftServer server = null;
      try {
        StoredState state = prepareDataDir(dir, port);
        Path logDir = dir.resolve(LOG_SUBDIR);
        ensurePortFree(state.port(), "client port");
        ensurePortFree(state.controllerPort(), "controller port");
        Map<String, Integer> extraPorts = new LinkedHashMap<>();
        for (String name : extraListeners.keySet()) {
          List<Integer> taken = new ArrayList<>(extraPorts.values());
          taken.add(state.port());
          taken.add(state.controllerPort());
          extraPorts.put(name, freePort(taken.stream().mapToInt(Integer::intValue).toArray()));
        }
        Properties props = brokerProperties(state, logDir, extraPorts);
        KafkaConfig config = new KafkaConfig(props, false);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
          format(state, logDir, scramArguments);
        }
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        EmbeddedKafkaBroker broker =
            new EmbeddedKafkaBroker(
                server,
                dir,
                temporary,
                state.port(),
                state.controllerPort(),
                state.clusterId(),
                extraPorts);
        awaitReady(broker.bootstrapServers(), startupTimeout);
        LOG.info(
            "Embedded Kafka broker (KRaft, single node) ready at {} in {} ms, data dir {}",
            broker.bootstrapServers(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
            dir);
        return broker;
      } catch (RuntimeException e) {
        if (server != null) {
          stopQuietly(server);
        }
        if (temporary) {
          deleteRecursively(dir);
        }
        throw e;
      }
    }

    private Properties brokerProperties(
        StoredState state, Path logDir, Map<String, Integer> extraPorts) {
      StringBuilder listeners =
          new StringBuilder("PLAINTEXT://" + HOST + ":" + state.port())
              .append(",CONTROLLER://" + HOST + ":" + state.controllerPort());
      StringBuilder advertised = new StringBuilder("PLAINTEXT://" + HOST + ":" + state.port());
      StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      extraPorts.forEach(
          (name, extraPort) -> {
            listeners.append(',').append(name).append("://" + HOST + ":").append(extraPort);
            advertised.append(',').append(name).append("://" + HOST + ":").append(extraPort);
            protocols.append(',').append(name).append(':').append(extraListeners.get(name));
          });
      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", Integer.toString(NODE_ID));
      p.put("listeners", listeners.toString());
      p.put("advertised.listeners", advertised.toString());
      p.put("listener.security.protocol.map", protocols.toString());
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("controller.listener.names", "CONTROLLER");
      p.put("controller.quorum.bootstrap.servers", HOST + ":" + state.controllerPort());
      p.put("log.dirs", logDir.toString());
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("default.replication.factor", "1");
      p.put("min.insync.replicas", "1");
      p.put("offsets.topic.replication.factor", "1");
      p.put("offsets.topic.num.partitions", "1");
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("transaction.state.log.num.partitions", "1");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      p.put("share.coordinator.state.topic.num.partitions", "1");
      p.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
      // A laptop-sized node: fewer threads and a smaller log-cleaner buffer than a server's.
      p.put("num.network.threads", "2");
      p.put("num.io.threads", "2");
      p.put("background.threads", "2");
      p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
      if (messageMaxBytes != null) {
        p.put("message.max.bytes", Integer.toString(messageMaxBytes));
        p.put("replica.fetch.max.bytes", Integer.toString(messageMaxBytes));
      }
      p.putAll(overrides);
      return p;
    }
  }

  /** The ports and cluster id saved in the data directory. */
  private record StoredState(int port, int controllerPort, String clusterId) {}

  private static StoredState prepareDataDir(Path dir, int requestedPort) {
    Path stateFile = dir.resolve(STATE_FILE);
    try {
      if (Files.exists(stateFile)) {
        Properties saved = new Properties();
        try (InputStream in = Files.newInputStream(stateFile)) {
          saved.load(in);
        }
        StoredState old = parseState(saved, stateFile);
        StoredState now =
            new StoredState(
                requestedPort != 0 ? requestedPort : old.port(),
                old.controllerPort(),
                old.clusterId());
        if (now.port() != old.port()) {
          saveState(stateFile, now);
        }
        return now;
      }
      Files.createDirectories(dir);
      if (!isEmpty(dir)) {
        throw new IllegalArgumentException(
            "data directory "
                + dir
                + " is not empty and has no "
                + STATE_FILE
                + "; give an empty or new directory");
      }
      int controllerPort = freePort();
      int port = requestedPort != 0 ? requestedPort : freePort(controllerPort);
      StoredState state = new StoredState(port, controllerPort, Uuid.randomUuid().toString());
      saveState(stateFile, state);
      return state;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot use the data directory " + dir + ": " + e, e);
    }
  }

  private static StoredState parseState(Properties saved, Path file) {
    try {
      return new StoredState(
          Integer.parseInt(saved.getProperty("port", "")),
          Integer.parseInt(saved.getProperty("controller.port", "")),
          Objects.requireNonNull(saved.getProperty("cluster.id"), "cluster.id"));
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException(
          file + " is damaged (needs port, controller.port, cluster.id): " + e.getMessage(), e);
    }
  }

  private static void saveState(Path file, StoredState state) throws IOException {
    Properties p = new Properties();
    p.setProperty("port", Integer.toString(state.port()));
    p.setProperty("controller.port", Integer.toString(state.controllerPort()));
    p.setProperty("cluster.id", state.clusterId());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "Written by redunet's EmbeddedKafkaBroker; reused when it restarts here");
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    }
  }

  private static void format(StoredState state, Path logDir, List<String> scramArguments) {
    String directoryId = Uuid.randomUuid().toString();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Formatter formatter =
        new Formatter()
            .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
            .setNodeId(NODE_ID)
            .setClusterId(state.clusterId())
            .setControllerListenerName("CONTROLLER")
            .setMetadataLogDirectory(logDir.toString())
            .addDirectory(logDir.toString())
            .setHasDynamicQuorum(true)
            .setWriteBootstrapSnapshot(true)
            .setScramArguments(scramArguments)
            .setInitialControllers(
                DynamicVoters.parse(
                    NODE_ID + "@" + HOST + ":" + state.controllerPort() + ":" + directoryId));
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format the Kafka storage in " + logDir, e);
    }
    LOG.debug("Kafka storage formatted: {}", output.toString(StandardCharsets.UTF_8).trim());
  }

  private static void awaitReady(String bootstrap, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    Exception last = null;
    try (Admin admin = Admin.create(config)) {
      while (System.nanoTime() < deadline) {
        try {
          Collection<Node> nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                  .nodes()
                  .get(10, TimeUnit.SECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
        sleep(50);
      }
    }
    throw new IllegalStateException(
        "the embedded Kafka broker at " + bootstrap + " did not answer within " + timeout, last);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }

  private static void stopQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Shutting down a broker that failed to start also failed", e);
    }
  }

  private static int freePort(int... avoid) {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int candidate = socket.getLocalPort();
        boolean clash = false;
        for (int a : avoid) {
          clash |= a == candidate;
        }
        if (!clash) {
          return candidate;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port", e);
      }
    }
    throw new IllegalStateException("cannot find a free port after 20 attempts");
  }

  private static void ensurePortFree(int port, String what) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the " + what + " " + port + " is already in use (" + e.getMessage() + ")", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("Could not delete the temporary Kafka data directory {}", dir, e);
    }
  }
}
