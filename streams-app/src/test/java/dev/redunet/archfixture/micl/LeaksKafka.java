package dev.redunet.archfixture.micl;

import org.apache.kafka.common.TopicPartition;

/** Test fixture: a "math" class that wrongly depends on Kafka, which the layering rule rejects. */
public final class LeaksKafka {
  private LeaksKafka() {}

  /** Returns a Kafka type, the dependency that the rule must catch. */
  public static TopicPartition partition() {
    return new TopicPartition("t", 0);
  }
}
