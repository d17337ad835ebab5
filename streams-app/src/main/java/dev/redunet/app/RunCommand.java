package dev.redunet.app;

import dev.redunet.app.http.AppMetrics;
import dev.redunet.app.http.HttpEndpoints;
import dev.redunet.app.http.HttpSettings;
import dev.redunet.app.http.ModelExportSource;
import dev.redunet.app.http.ModelSummary;
import dev.redunet.app.http.ModelSummarySource;
import dev.redunet.avro.RejectReason;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.config.ConfigKeys;
import dev.redunet.config.LearnerConfig;
import dev.redunet.learn.ModelJson;
import dev.redunet.learn.StreamingModel;
import dev.redunet.learn.WindowStatistics;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.rate.Rates;
import dev.redunet.stream.IngressMetrics;
import dev.redunet.stream.IngressSettings;
import dev.redunet.stream.RedunetTopology;
import dev.redunet.stream.StreamsProperties;
import dev.redunet.stream.TopicProvisioner;
import dev.redunet.stream.learning.LearningListener;
import dev.redunet.stream.learning.LearningPlugin;
import dev.redunet.stream.learning.LivePredictor;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./redunet run}: the streaming application. Creates the missing topics ({@link
 * TopicProvisioner}), builds the topology ({@link RedunetTopology}) and runs it with Kafka Streams
 * ({@link StreamsProperties}: exactly-once v2 by default) until SIGINT or SIGTERM, or until Kafka
 * Streams fails. State changes are logged.
 *
 * <p>On shutdown Kafka Streams is closed with a timeout of {@value #CLOSE_TIMEOUT_SECONDS} s (its
 * threads end, the transaction in flight commits or aborts), and stdout gets one JSON line: {@code
 * application_id}, {@code state} (the final Kafka Streams state), {@code seconds} (running time),
 * {@code accepted} (valid samples), {@code rejected_total}, {@code rejected} (per reason code),
 * {@code topics_created}, {@code http} (the bound {@code host:port} of the HTTP endpoints, null
 * when they are off). Exit code 0 after a requested stop; 1 if Kafka Streams failed, did not close
 * in time, or Kafka was unreachable; 2 for bad arguments or configuration, or when the HTTP address
 * cannot be bound.
 *
 * <p>HTTP ({@code redunet.http.enabled}, default on): {@link HttpEndpoints} on {@code
 * redunet.http.host}:{@code redunet.http.port} ({@code /health}, {@code /metrics}, {@code /model},
 * {@code POST /predict} with the plugin's {@link LivePredictor}, {@code /model/export}). The socket
 * is bound before Kafka Streams is configured, so that Kafka Streams' {@code application.server} is
 * this instance's advertised HTTP address ({@code redunet.http.advertised.host}, see {@link
 * #advertisedHost}; a {@code kafka.application.server} setting wins) and other instances can
 * forward {@code /model} requests to it. The endpoints serve from the moment Kafka Streams has
 * started and stop after it closed.
 *
 * <p>The model flags set the corresponding configuration keys; the scoring stage in this build is
 * the streaming learner ({@link LearningPlugin}).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the streaming application (creates missing topics, then Kafka Streams) until Ctrl-C.",
      "Prints one JSON line with the final state and the ingress counters when it stops."
    },
    footer = {
      "",
      "Every configuration key can be set with -D KEY=VALUE, a REDUNET_* environment variable"
          + " or --config FILE; ./redunet config --markdown lists them all, ./redunet config"
          + " shows the effective values.",
      "HTTP (redunet.http.enabled=true by default) on redunet.http.host:redunet.http.port"
          + " (default 127.0.0.1:8080): /health, /health/ready, /health/live, /metrics"
          + " (Prometheus), /model, /model/export (JSON), POST /predict, /openapi.json;"
          + " redunet.http.token protects /predict and /model/export."
    })
public final class RunCommand implements Callable<Integer> {

  /** How long a shutdown waits for Kafka Streams to close. */
  static final long CLOSE_TIMEOUT_SECONDS = 30;

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final String NAME = "run";

  @Mixin ConfigOptions options;

  @Option(names = "--application-id", paramLabel = "ID", description = "redunet.application.id")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "redunet.state.dir")
  Path stateDir;

  @Option(names = "--layers", paramLabel = "L", description = "redunet.layers")
  String layers;

  @Option(names = "--eps-sq", paramLabel = "E", description = "redunet.eps.sq (ε²)")
  String epsSq;

  @Option(names = "--eta", paramLabel = "H", description = "redunet.eta (step size η)")
  String eta;

  @Option(names = "--lambda", paramLabel = "L", description = "redunet.lambda (λ)")
  String lambda;

  @Option(names = "--window", paramLabel = "N", description = "redunet.window")
  String window;

  @Option(
      names = "--construction",
      paramLabel = "statistics|replay",
      description = "redunet.construction")
  String construction;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description = "redunet.http.port (0 = any free port)")
  String httpPort;

  @Option(
      names = "--http-host",
      paramLabel = "ADDRESS",
      description = "redunet.http.host (0.0.0.0 = every interface)")
  String httpHost;

  /** The model source of {@code /model} for a running instance; replaceable by tests. */
  BiFunction<KafkaStreams, AppConfig, ModelSummarySource> modelSources = RunCommand::modelSource;

  /** Completed with the bound HTTP address once the endpoints serve (tests wait on it). */
  final CompletableFuture<InetSocketAddress> httpAddress = new CompletableFuture<>();

  /** How often new Kafka metrics are bound to /metrics; tests shorten it. */
  Duration kafkaMetricsRefresh = AppMetrics.DEFAULT_KAFKA_REFRESH;

  private final PrintStream out;
  private final PrintStream err;
  private final CountDownLatch stop;
  private final boolean installShutdownHook;

  /** The command as run from the command line: stops on SIGINT/SIGTERM. */
  public RunCommand() {
    this(System.out, System.err, new CountDownLatch(1), true);
  }

  /** For tests: other streams, a latch that stops the application, no JVM shutdown hook. */
  RunCommand(PrintStream out, PrintStream err, CountDownLatch stop, boolean installShutdownHook) {
    this.out = out;
    this.err = err;
    this.stop = stop;
    this.installShutdownHook = installShutdownHook;
  }

  private Map<String, String> flags() {
    Map<String, String> f = new LinkedHashMap<>();
    put(f, ConfigKeys.APPLICATION_ID.name(), applicationId);
    put(f, ConfigKeys.STATE_DIR.name(), stateDir == null ? null : stateDir.toString());
    put(f, ConfigKeys.LAYERS.name(), layers);
    put(f, ConfigKeys.EPS_SQ.name(), epsSq);
    put(f, ConfigKeys.ETA.name(), eta);
    put(f, ConfigKeys.LAMBDA.name(), lambda);
    put(f, ConfigKeys.WINDOW.name(), window);
    put(f, ConfigKeys.CONSTRUCTION.name(), construction);
    put(f, ConfigKeys.HTTP_PORT.name(), httpPort);
    put(f, ConfigKeys.HTTP_HOST.name(), httpHost);
    return f;
  }

  private static void put(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /**
   * The scoring stage: the streaming learner, reporting model builds, model loads and the
   * prequential outcome of every labelled sample to {@code metrics}.
   *
   * @param initial the model {@code redunet.model.initial} names, read already
   */
  static LearningPlugin scoringPlugin(
      AppConfig config,
      AppMetrics metrics,
      MathExecutor math,
      Optional<ModelJson.Restored> initial) {
    return new LearningPlugin(
        config,
        LearnerConfig.settings(config),
        new LearningListener() {
          @Override
          public void modelBuilt(StreamingModel model, double seconds) {
            metrics.modelBuilt(model.version(), seconds, deltaR(model));
          }

          @Override
          public void modelLoaded(StreamingModel model) {
            metrics.modelLoaded(model.version(), deltaR(model));
          }

          @Override
          public void versionEvaluated(String metricsJson) {
            metrics.history().add(metricsJson);
          }

          @Override
          public void scored(boolean correct) {
            metrics.prediction(correct);
          }

          @Override
          public void scoredStale() {
            metrics.learning(AppMetrics.Learning.SCORING_STALE);
          }

          @Override
          public void scoredNovel() {
            metrics.learning(AppMetrics.Learning.SCORING_NOVEL);
          }

          @Override
          public void waited(long millis) {
            metrics.waited(millis);
          }

          @Override
          public void partitionIdle(int partition) {
            metrics.learning(AppMetrics.Learning.PARTITION_IDLE);
          }

          @Override
          public void lateSample() {
            metrics.learning(AppMetrics.Learning.LATE_SAMPLES);
          }

          @Override
          public void learningRecordSkipped() {
            metrics.learning(AppMetrics.Learning.SKIPPED_RECORDS);
          }

          @Override
          public void selfLearned(long version, int count) {
            metrics.learning(AppMetrics.Learning.SELF_LEARNED, count);
          }

          @Override
          public void clustersPublished(int count) {
            metrics.learning(AppMetrics.Learning.CLUSTERS_PUBLISHED, count);
          }

          @Override
          public void buildFailed() {
            metrics.learning(AppMetrics.Learning.BUILD_FAILURES);
          }
        },
        math,
        initial);
  }

  private static List<Double> deltaR(StreamingModel model) {
    return model.layerRates().stream().map(Rates::deltaR).toList();
  }

  /**
   * The source of {@code /model} of a running instance: an interactive query of the global model
   * store, which every instance holds.
   */
  static ModelSummarySource modelSource(KafkaStreams streams, AppConfig config) {
    String name = config.text(ConfigKeys.MODEL_NAME);
    return new ModelSummarySource() {
      @Override
      public Optional<ModelSummary> current() {
        return LearningPlugin.currentModel(store(), name).map(loaded -> summary(name, loaded));
      }

      @Override
      public Optional<ModelSummary> version(long version) {
        return LearningPlugin.model(store(), name, version).map(loaded -> summary(name, loaded));
      }

      private ReadOnlyKeyValueStore<String, byte[]> store() {
        return modelStore(streams);
      }
    };
  }

  /** The global model store of a running instance (an interactive query). */
  static ReadOnlyKeyValueStore<String, byte[]> modelStore(KafkaStreams streams) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            LearningPlugin.MODEL_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
  }

  /** The source of {@code /model/export}: the global model store's versions as JSON. */
  static ModelExportSource exportSource(KafkaStreams streams, AppConfig config) {
    String name = config.text(ConfigKeys.MODEL_NAME);
    return version -> {
      ReadOnlyKeyValueStore<String, byte[]> store = modelStore(streams);
      Optional<LearningPlugin.Loaded> loaded =
          version.isPresent()
              ? LearningPlugin.model(store, name, version.getAsLong())
              : LearningPlugin.currentModel(store, name);
      return loaded.map(
          l -> {
            ModelJson.checkExportable(l.model());
            Optional<WindowStatistics> statistics =
                LearningPlugin.statistics(store, name, l.model());
            return out -> ModelJson.write(out, name, l.model(), l.build(), statistics);
          });
    };
  }

  /**
   * The windows the builder has closed, from the global model store (NaN before the first progress
   * record, or while the store cannot be queried, e.g. before the instance runs).
   */
  static DoubleSupplier windowsClosed(KafkaStreams streams, AppConfig config) {
    String name = config.text(ConfigKeys.MODEL_NAME);
    return () -> {
      try {
        ReadOnlyKeyValueStore<String, byte[]> store =
            streams.store(
                StoreQueryParameters.fromNameAndType(
                    LearningPlugin.MODEL_STORE,
                    QueryableStoreTypes.<String, byte[]>keyValueStore()));
        OptionalLong windows = LearningPlugin.windowsClosed(store, name);
        return windows.isPresent() ? windows.getAsLong() : Double.NaN;
      } catch (InvalidStateStoreException e) {
        return Double.NaN;
      }
    };
  }

  private static ModelSummary summary(String name, LearningPlugin.Loaded loaded) {
    StreamingModel m = loaded.model();
    List<ModelSummary.ClassCount> classes = new ArrayList<>();
    for (int j = 0; j < m.classNames().size(); j++) {
      double n = m.classCount(j);
      classes.add(new ModelSummary.ClassCount(m.classNames().get(j), n));
    }
    List<ModelSummary.LayerRates> layers = new ArrayList<>();
    for (int l = 0; l < m.layerRates().size(); l++) {
      Rates r = m.layerRates().get(l);
      layers.add(new ModelSummary.LayerRates(l + 1, r.r(), r.rc(), r.deltaR()));
    }
    return new ModelSummary(
        name,
        m.version(),
        classes,
        layers,
        Instant.ofEpochMilli(loaded.build().builtAtMillis()),
        loaded.build().rebuildSeconds());
  }

  /**
   * The host other instances reach this one's HTTP endpoints at: {@code
   * redunet.http.advertised.host} if set; else the bind address unless it is a wildcard ({@code
   * 0.0.0.0}, {@code ::}); else this machine's host name.
   */
  static String advertisedHost(AppConfig config, InetSocketAddress bound) {
    Optional<String> configured = config.optionalText(ConfigKeys.HTTP_ADVERTISED_HOST);
    if (configured.isPresent()) {
      return configured.get();
    }
    if (bound.getAddress() != null && !bound.getAddress().isAnyLocalAddress()) {
      return config.text(ConfigKeys.HTTP_HOST);
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      LOG.warn(
          "Cannot find this machine's host name; set redunet.http.advertised.host so that other"
              + " instances can reach /model here",
          e);
      return "localhost";
    }
  }

  private static Map<String, Object> result(
      String appId,
      KafkaStreams.State state,
      long t0,
      IngressMetrics metrics,
      TopicProvisioner.Result topics,
      InetSocketAddress http) {
    IngressMetrics.Snapshot s = metrics.snapshot();
    Map<String, Long> rejected = new LinkedHashMap<>();
    for (RejectReason r : RejectReason.values()) {
      rejected.put(r.name(), s.rejected().get(r));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("application_id", appId);
    result.put("state", state.name());
    result.put("seconds", Math.round((System.nanoTime() - t0) / 1e6) / 1000.0);
    result.put("accepted", s.accepted());
    result.put("rejected_total", s.rejectedTotal());
    result.put("rejected", rejected);
    result.put("topics_created", topics.created());
    result.put(
        "http", http == null ? null : http.getAddress().getHostAddress() + ":" + http.getPort());
    return result;
  }

  @Override
  public Integer call() {
    AppConfig config;
    Properties props;
    IngressMetrics metrics = new IngressMetrics();
    Optional<ModelJson.Restored> initial;
    try {
      config = options.load(flags());
      props = StreamsProperties.of(config, metrics);
      // a bad learner setting, or initial model, is a usage error, before anything starts
      initial = LearnerConfig.initialModel(config, LearnerConfig.settings(config));
    } catch (ConfigException e) {
      return CommandSupport.usageError(err, NAME, e.getMessage());
    }
    HttpEndpoints http = null;
    if (config.text(ConfigKeys.HTTP_ENABLED).equals("true")) {
      String host = config.text(ConfigKeys.HTTP_HOST);
      int port = config.integer(ConfigKeys.HTTP_PORT);
      try {
        http = HttpEndpoints.bind(host, port, HttpSettings.of(config));
      } catch (IOException | RuntimeException e) {
        return CommandSupport.usageError(
            err,
            NAME,
            "cannot serve HTTP on "
                + host
                + ":"
                + port
                + " ("
                + e.getMessage()
                + "): choose another redunet.http.port (--http-port, REDUNET_HTTP_PORT; 0 = any"
                + " free port) or redunet.http.host, or set redunet.http.enabled=false");
      }
      props.putIfAbsent(
          StreamsConfig.APPLICATION_SERVER_CONFIG,
          advertisedHost(config, http.address()) + ":" + http.address().getPort());
    }
    try (AppMetrics appMetrics = new AppMetrics(metrics);
        MathExecutor math =
            MathExecutor.create(LearnerConfig.mathThreads(config), "redunet-math")) {
      return run(config, props, metrics, appMetrics, http, math, initial);
    } finally {
      if (http != null) {
        http.close();
      }
    }
  }

  private int run(
      AppConfig config,
      Properties props,
      IngressMetrics metrics,
      AppMetrics appMetrics,
      HttpEndpoints http,
      MathExecutor math,
      Optional<ModelJson.Restored> initial) {
    String appId = config.text(ConfigKeys.APPLICATION_ID);
    TopicProvisioner.Result topics;
    try (Admin admin = Admin.create(CommandSupport.clientSettings(config))) {
      topics = TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
    } catch (IllegalStateException e) {
      err.println(
          "redunet run: cannot prepare the topics on "
              + config.text(ConfigKeys.BOOTSTRAP_SERVERS)
              + ": "
              + CommandSupport.kafkaProblem(e));
      return 1;
    }
    LearningPlugin plugin = scoringPlugin(config, appMetrics, math, initial);
    Topology topology = RedunetTopology.build(config, plugin, metrics);
    LOG.debug("Topology:\n{}", topology.describe());
    LOG.info(
        "Starting {} on {} ({}, layers={}, eps.sq={}, eta={}, lambda={}, window={}, construction={};"
            + " scoring: the streaming learner)",
        appId,
        config.text(ConfigKeys.BOOTSTRAP_SERVERS),
        config.text(ConfigKeys.PROCESSING_GUARANTEE),
        config.integer(ConfigKeys.LAYERS),
        config.real(ConfigKeys.EPS_SQ),
        config.real(ConfigKeys.ETA),
        config.real(ConfigKeys.LAMBDA),
        config.integer(ConfigKeys.WINDOW),
        config.text(ConfigKeys.CONSTRUCTION));

    long t0 = System.nanoTime();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(1);
    KafkaStreams streams = new KafkaStreams(topology, props);
    streams.setStateListener(
        (now, before) -> {
          LOG.info("Kafka Streams state {} -> {}", before, now);
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
            stop.countDown();
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          failure.compareAndSet(null, e);
          LOG.error("A stream thread failed; shutting down this instance", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    appMetrics.bindKafkaStreams(streams, kafkaMetricsRefresh);
    appMetrics.bindWindowsClosed(windowsClosed(streams, config));
    Thread hook =
        new Thread(
            () -> {
              LOG.info("Stop requested; closing Kafka Streams");
              stop.countDown();
              try {
                finished.await(CLOSE_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "redunet-run-shutdown");
    if (installShutdownHook) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
    boolean closed = false;
    KafkaStreams.State state = KafkaStreams.State.ERROR;
    try {
      try {
        streams.start();
        if (http != null) {
          HostInfo self =
              HostInfo.buildFromEndpoint(
                  props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG));
          LivePredictor predictor =
              plugin.predictor(() -> modelStore(streams), IngressSettings.of(config));
          http.start(
              HttpEndpoints.Backend.of(
                  streams,
                  appMetrics,
                  modelSources.apply(streams, config),
                  self,
                  samples -> predictor.predict(samples, Instant.now()),
                  exportSource(streams, config)));
          LOG.info(
              "HTTP endpoints on http://{}:{} (/health, /metrics, /model; application.server {})",
              http.address().getAddress().getHostAddress(),
              http.address().getPort(),
              self.host() + ":" + self.port());
          httpAddress.complete(http.address());
        }
        stop.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closed =
            streams.close(
                StreamsProperties.closeOptions(config, Duration.ofSeconds(CLOSE_TIMEOUT_SECONDS)));
        if (!closed) {
          LOG.error("Kafka Streams did not close within {} s", CLOSE_TIMEOUT_SECONDS);
        }
      }
      state = streams.state();
      if (failure.get() != null) {
        err.println(
            "redunet run: Kafka Streams failed: " + CommandSupport.kafkaProblem(failure.get()));
      }
      out.println(
          CommandSupport.json(
              result(appId, state, t0, metrics, topics, http == null ? null : http.address())));
      out.flush();
    } finally {
      // Always release a waiting shutdown hook, or the JVM would wait for it to time out.
      finished.countDown();
      if (installShutdownHook) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The JVM is stopping: the hook is running and has just been released.
        }
      }
    }
    return closed && failure.get() == null && state != KafkaStreams.State.ERROR ? 0 : 1;
  }
}
