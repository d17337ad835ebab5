package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.config.AppConfig;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TopicProvisionerIT {

  @Test
  void existingTopicsAreLeftAloneAndAModelTopicThatIsNotCompactedIsReported(KafkaCluster kafka)
      throws Exception {
    String prefix = kafka.uniqueName("prov") + ".";
    AppConfig config =
        AppConfig.of(
            Map.of(
                "redunet.bootstrap.servers",
                kafka.bootstrapServers(),
                "redunet.topic.prefix",
                prefix,
                "redunet.partitions",
                "2"));
    RedunetTopics topics = RedunetTopics.of(config);
    try (Admin admin = kafka.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topics.model(), Optional.of(1), Optional.empty()),
                  new NewTopic(topics.samples(), Optional.of(5), Optional.empty()),
                  new NewTopic(topics.learning(), Optional.of(1), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);

      TopicProvisioner.Result r =
          TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));

      assertThat(r.existing())
          .containsExactlyInAnyOrder(topics.model(), topics.samples(), topics.learning());
      assertThat(r.created())
          .containsExactlyInAnyOrder(
              topics.features(),
              topics.predictions(),
              topics.rejected(),
              topics.metrics(),
              topics.clusters());
      assertThat(r.warnings()).hasSize(2);
      assertThat(r.warnings().get(0))
          .contains("The model topic " + topics.model())
          .contains("cleanup.policy=delete, not compact");
      assertThat(r.warnings().get(1))
          .contains("The learning topic " + topics.learning())
          .contains("message.timestamp.type=CreateTime");
      Map<String, TopicDescription> d =
          admin
              .describeTopics(List.of(topics.samples(), topics.features()))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      assertThat(d.get(topics.samples()).partitions()).as("left alone").hasSize(5);
      assertThat(d.get(topics.features()).partitions()).hasSize(2);
    }
  }
}
