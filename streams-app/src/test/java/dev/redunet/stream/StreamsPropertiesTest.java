package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

  private static AppConfig config(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.putIfAbsent("redunet.bootstrap.servers", "broker:9092");
    return AppConfig.of(all);
  }

  @Test
  void theDefaultsAreExactlyOnceV2WithTheRejectingHandlersAndRaisedProducerLimits() {
    IngressMetrics metrics = new IngressMetrics();
    Properties p = StreamsProperties.of(config(Map.of()), metrics);
    assertThat(p)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "redunet-streams")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1")
        .containsEntry(
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
            RedunetExceptionHandlers.Processing.class.getName())
        .containsEntry(
            StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
            RedunetExceptionHandlers.Production.class.getName())
        .containsEntry(
            StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
            RedunetExceptionHandlers.Deserialization.class.getName())
        // max(rejected 16 MiB + 256 KiB, features 1 MiB, model 32 MiB)
        .containsEntry("processing.exception.handler.global.enabled", "true")
        .containsEntry("main.consumer.processing.exception.handler.global.enabled", "true")
        .containsEntry("producer.max.request.size", Long.toString(32L << 20))
        .containsEntry("producer.buffer.memory", Long.toString((32L << 20) + (1 << 20)))
        .containsEntry("main.consumer.max.partition.fetch.bytes", Integer.toString(16 << 20))
        .containsEntry("global.consumer.max.partition.fetch.bytes", Integer.toString(16 << 20))
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "2")
        .doesNotContainKey(StreamsConfig.STATE_DIR_CONFIG);
    assertThat(
            new StreamsConfig(p)
                .getMainConsumerConfigs("g", "c", 0)
                .get("max.partition.fetch.bytes")
                .toString())
        .isEqualTo(Integer.toString(16 << 20));
    assertThat(p.get(RedunetExceptionHandlers.CONTEXT_CONFIG))
        .isEqualTo(
            new RedunetExceptionHandlers.Context(
                "redunet.rejected", "redunet.samples", 16 << 20, metrics));
    // Kafka Streams accepts them.
    assertThat(new StreamsConfig(p).getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo("exactly_once_v2");
  }

  @Test
  void aFetchSizeTheUserGivesIsKept() {
    for (String key :
        List.of(
            "kafka.max.partition.fetch.bytes",
            "kafka.consumer.max.partition.fetch.bytes",
            "kafka.main.consumer.max.partition.fetch.bytes",
            "kafka.global.consumer.max.partition.fetch.bytes")) {
      Properties p = StreamsProperties.of(config(Map.of(key, "2097152")), new IngressMetrics());
      assertThat(p)
          .as(key)
          .containsEntry(key.substring("kafka.".length()), "2097152")
          .doesNotContainValue(Integer.toString(16 << 20));
    }
  }

  @Test
  void kafkaSettingsPassThroughButTheRedunetKeysWin() {
    Properties p =
        StreamsProperties.of(
            config(
                Map.of(
                    "kafka.security.protocol", "SASL_SSL",
                    "kafka.num.stream.threads", "2",
                    "kafka.processing.guarantee", "at_least_once",
                    "kafka.max.request.size", "99999999",
                    "redunet.application.id", "app-7",
                    "redunet.state.dir", "/tmp/x",
                    "redunet.replication.factor", "3")),
            new IngressMetrics());
    assertThat(p)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("num.stream.threads", "2")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "app-7")
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/tmp/x")
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, "3")
        .containsEntry("producer.max.request.size", "99999999");
  }

  @Test
  void oneStreamThreadWhenTheUserSaysSo() {
    assertThat(
            StreamsProperties.of(
                config(Map.of("kafka.num.stream.threads", "1")), new IngressMetrics()))
        .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
  }

  @Test
  void closingLeavesTheGroupUnlessTheMembershipIsStatic() {
    assertThat(StreamsProperties.membershipOnClose(config(Map.of())))
        .isEqualTo(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    assertThat(
            StreamsProperties.membershipOnClose(
                config(Map.of("kafka.client.id", "group.instance.id"))))
        .isEqualTo(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    for (String key :
        List.of(
            "kafka.group.instance.id",
            "kafka.consumer.group.instance.id",
            "kafka.main.consumer.group.instance.id")) {
      assertThat(StreamsProperties.membershipOnClose(config(Map.of(key, "pod-0"))))
          .as(key)
          .isEqualTo(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
    }
  }

  @Test
  void withoutBootstrapServersItSaysWhatIsMissing() {
    assertThatThrownBy(() -> StreamsProperties.of(AppConfig.of(Map.of()), new IngressMetrics()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redunet.bootstrap.servers")
        .hasMessageContaining("REDUNET_BOOTSTRAP_SERVERS");
    assertThatThrownBy(
            () ->
                StreamsProperties.of(
                    config(Map.of("kafka.buffer.memory", "lots")), new IngressMetrics()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.buffer.memory");
  }

  @Test
  void theTopicPlanCompactsTheModelAndSizesEveryLimitFromTheConfiguration() {
    AppConfig c =
        AppConfig.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                "redunet.partitions", "4",
                "redunet.max.features", "1000000",
                "redunet.max.record.bytes", "2097152",
                "redunet.topic.prefix", "p."));
    Map<String, TopicProvisioner.TopicSpec> plan = new HashMap<>();
    TopicProvisioner.plan(c).forEach(s -> plan.put(s.role(), s));
    assertThat(plan)
        .containsOnlyKeys(
            "samples",
            "features",
            "predictions",
            "rejected",
            "model",
            "metrics",
            "learning",
            "clusters");
    assertThat(plan.get("samples").name()).isEqualTo("p.samples");
    assertThat(plan.get("clusters").name()).isEqualTo("p.clusters");
    assertThat(plan.get("clusters").partitions()).isEqualTo(1);
    assertThat(plan.get("samples").partitions()).isEqualTo(4);
    assertThat(plan.get("features").configs())
        .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(4_000_000 + 65_536));
    assertThat(plan.get("rejected").configs())
        .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(2_097_152 + 262_144));
    assertThat(plan.get("model").partitions()).isEqualTo(1);
    assertThat(plan.get("model").configs())
        .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")
        .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(32 << 20));
    assertThat(plan.get("learning").partitions()).as("one builder task per model").isEqualTo(1);
    assertThat(plan.get("learning").configs())
        .containsEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime")
        .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(32 << 20));
    assertThat(TopicProvisioner.plan(c).stream().map(TopicProvisioner.TopicSpec::name).toList())
        .isEqualTo(RedunetTopics.of(c).all());
    assertThat(StreamsProperties.featuresMaxBytes(config(Map.of())))
        .isEqualTo(StreamsProperties.KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
    assertThat(List.of(StreamsProperties.maxRecordBytes(c))).containsExactly(32L << 20);
  }
}
