package dev.redunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.testing.SystemTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules pass {@code promtool check rules} and their unit tests ({@code promtool test
 * rules}); the Grafana dashboard parses, has panels laid out on the grid, and every query of it is
 * valid PromQL for promtool. DeploymentIT checks that every metric they name is on a running
 * application's /metrics.
 */
class OperatorKitTest {

  @TempDir Path tmp;

  /** Runs promtool in the repository root; its exit code and output. */
  private static Map.Entry<Integer, String> promtool(String... args)
      throws IOException, InterruptedException {
    Path promtool = SystemTools.require("/usr/bin/promtool", "prometheus");
    List<String> command = new ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(DeployFiles.ROOT.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return Map.entry(p.waitFor(), out);
  }

  @Test
  void promtoolAcceptsTheAlertRules() throws Exception {
    Map.Entry<Integer, String> check = promtool("check", "rules", OperatorKit.ALERTS);
    assertThat(check.getKey()).as(check.getValue()).isZero();
    assertThat(check.getValue())
        .contains("SUCCESS: " + OperatorKit.alertRules().size() + " rules found");
  }

  @Test
  void theAlertRulesFireAsTheirUnitTestsExpect() throws Exception {
    Map.Entry<Integer, String> test = promtool("test", "rules", OperatorKit.ALERT_TESTS);
    assertThat(test.getKey()).as(test.getValue()).isZero();
    assertThat(test.getValue()).contains("SUCCESS");
    // Every alert has a unit test that expects it to fire.
    String tests = DeployFiles.read(OperatorKit.ALERT_TESTS);
    for (Map<String, Object> rule : OperatorKit.alertRules()) {
      assertThat(tests).contains("alertname: " + rule.get("alert"));
    }
  }

  @Test
  void theRulesCoverTheModelTheInputTheStreamsTheLagAndTheBuilds() {
    Map<String, String> byAlert = new LinkedHashMap<>();
    for (Map<String, Object> rule : OperatorKit.alertRules()) {
      assertThat(rule).containsKeys("alert", "expr", "labels", "annotations");
      assertThat(DeployFiles.map(rule.get("labels")).get("severity")).isIn("warning", "critical");
      assertThat(DeployFiles.map(rule.get("annotations"))).containsKeys("summary", "description");
      byAlert.put(String.valueOf(rule.get("alert")), String.valueOf(rule.get("expr")));
    }
    assertThat(String.join("\n", byAlert.values()))
        .contains("redunet_model_windows_closed")
        .contains("redunet_model_version")
        .contains("redunet_ingress_rejected_total")
        .contains("kafka_stream_thread_thread_state != 4")
        .contains("kafka_consumer_fetch_manager_records_lag")
        .contains("redunet_model_build_failures_total");
  }

  @Test
  void theDashboardParsesAndItsPanelsTileTheGrid() {
    JsonNode d = OperatorKit.dashboard();
    assertThat(d.get("title").asText()).isEqualTo("redunet-streams");
    assertThat(d.get("uid").asText()).isNotBlank();
    JsonNode panels = d.get("panels");
    assertThat(panels.size()).isGreaterThanOrEqualTo(10);
    Set<Integer> ids = new HashSet<>();
    List<int[]> boxes = new ArrayList<>();
    for (JsonNode p : panels) {
      String title = p.get("title").asText();
      assertThat(ids.add(p.get("id").asInt())).as("unique id of %s", title).isTrue();
      assertThat(p.get("type").asText()).isIn("timeseries", "stat", "gauge");
      assertThat(p.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
      JsonNode g = p.get("gridPos");
      int x = g.get("x").asInt();
      int y = g.get("y").asInt();
      int w = g.get("w").asInt();
      int h = g.get("h").asInt();
      assertThat(x).isNotNegative();
      assertThat(w).isPositive();
      assertThat(h).isPositive();
      assertThat(x + w).as("%s within the 24 columns", title).isLessThanOrEqualTo(24);
      for (int[] b : boxes) {
        boolean apart = x >= b[0] + b[2] || b[0] >= x + w || y >= b[1] + b[3] || b[1] >= y + h;
        assertThat(apart).as("%s overlaps another panel", title).isTrue();
      }
      boxes.add(new int[] {x, y, w, h});
      Set<String> refs = new HashSet<>();
      assertThat(p.get("targets").size()).as(title).isPositive();
      for (JsonNode t : p.get("targets")) {
        assertThat(refs.add(t.get("refId").asText())).as("unique refId in %s", title).isTrue();
        assertThat(t.get("expr").asText()).as(title).isNotBlank();
      }
    }
    List<String> variables = new ArrayList<>();
    d.get("templating").get("list").forEach(v -> variables.add(v.get("name").asText()));
    assertThat(variables).containsExactly("datasource", "job");
  }

  /** Every dashboard query, as Grafana sends it, is valid PromQL for promtool. */
  @Test
  void everyDashboardQueryIsValidPromQl() throws Exception {
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int n = 0;
    for (Map.Entry<String, String> q : OperatorKit.dashboardQueries().entrySet()) {
      String expr = OperatorKit.asSent(q.getValue()).replace("'", "''");
      rules.append("      - record: dashboard:query_").append(n++).append('\n');
      rules.append("        expr: '").append(expr).append("'\n");
    }
    Path file = tmp.resolve("dashboard-queries.yml");
    Files.writeString(file, rules.toString());
    Map.Entry<Integer, String> check = promtool("check", "rules", file.toString());
    assertThat(check.getKey()).as(check.getValue()).isZero();
    assertThat(check.getValue()).contains("SUCCESS: " + n + " rules found");
    assertThat(n).isGreaterThanOrEqualTo(20);
  }

  @Test
  void theMetricNamesOfAnExpressionAreItsSelectorsOnly() {
    assertThat(
            PromQl.metricNames(
                "sum by (job) (rate(a_total{job=~\"$job\", reason=\"x y\"}[5m])) / on (job)"
                    + " (sum(rate(b_total[$__rate_interval])) + max(c{le=\"1\"}) offset 5m)"
                    + " > bool 0.05 and d unless max(e) by (instance) or 1e3"))
        .containsExactly("a_total", "b_total", "c", "d", "e");
    assertThat(PromQl.metricNames("kafka_stream_thread_thread_state != 4"))
        .containsExactly("kafka_stream_thread_thread_state");
    Set<String> all = OperatorKit.metricNames();
    assertThat(all)
        .contains(
            "redunet_model_windows_closed",
            "redunet_ingress_rejected_total",
            "kafka_stream_thread_thread_state",
            "kafka_consumer_fetch_manager_records_lag",
            "jvm_memory_used_bytes")
        .doesNotContain("sum", "rate", "by", "job", "instance");
  }
}
