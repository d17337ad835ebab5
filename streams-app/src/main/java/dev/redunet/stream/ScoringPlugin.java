package dev.redunet.stream;

import java.util.List;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * How the model plugs into the topology built by {@link RedunetTopology}: a scorer per task, the
 * state stores it needs, and any further nodes (the learning path, the global model store).
 *
 * <p>The ingress part of the topology is fixed: source {@link RedunetTopology#SOURCE} → {@link
 * RedunetTopology#VALIDATE} → (valid samples) {@link RedunetTopology#SCORE} → the features and
 * predictions sinks. The score node runs the plugin's {@link SampleScorer}. {@link #extend} may add
 * children to {@link RedunetTopology#SCORE} (the scorer forwards to them by name through the
 * context it gets in {@link SampleScorer#init}), global stores, and sub-topologies of its own.
 */
public interface ScoringPlugin {

  /** A new scorer for one task; called once per task, instances are not shared. */
  SampleScorer newScorer();

  /**
   * State stores the scorer uses; each is added to the topology and connected to {@link
   * RedunetTopology#SCORE}. Names must be explicit and stable (they name changelog topics).
   */
  default List<StoreBuilder<?>> stores() {
    return List.of();
  }

  /**
   * Adds further nodes to the topology after the ingress and scoring nodes exist.
   *
   * @param topology modified
   * @param wiring the configuration and the resolved topic names
   */
  default void extend(Topology topology, RedunetTopology.Wiring wiring) {}

  /** The plugin of the identity network: {@link IdentityScorer}, no stores, no further nodes. */
  static ScoringPlugin identity() {
    return IdentityScorer::scorer;
  }
}
