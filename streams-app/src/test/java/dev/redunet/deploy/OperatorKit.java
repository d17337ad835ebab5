package dev.redunet.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's kit of deploy/: the Prometheus alert rules ({@code deploy/prometheus/alerts.yml})
 * and the Grafana dashboard ({@code deploy/grafana/redunet.json}), and the PromQL they use.
 */
public final class OperatorKit {
  private OperatorKit() {}

  public static final String ALERTS = "deploy/prometheus/alerts.yml";
  public static final String ALERT_TESTS = "deploy/prometheus/alerts.test.yml";
  public static final String DASHBOARD = "deploy/grafana/redunet.json";

  /** A Grafana query variable: {@code label_values(metric, label)}. */
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(([A-Za-z_:][A-Za-z0-9_:]*),\\s*[A-Za-z_][A-Za-z0-9_]*\\)");

  /** Every alert rule of alerts.yml, in order. */
  public static List<Map<String, Object>> alertRules() {
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Object g : DeployFiles.list(DeployFiles.yamlFile(ALERTS).get("groups"))) {
      for (Object r : DeployFiles.list(DeployFiles.map(g).get("rules"))) {
        rules.add(DeployFiles.map(r));
      }
    }
    return rules;
  }

  /** The dashboard as JSON. */
  public static JsonNode dashboard() {
    try {
      return new ObjectMapper().readTree(DeployFiles.read(DASHBOARD));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The PromQL of every dashboard target, by {@code panel <id> <refId>}. */
  public static Map<String, String> dashboardQueries() {
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode panel : dashboard().get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        queries.put(
            "panel " + panel.get("id").asInt() + " " + target.get("refId").asText(),
            target.get("expr").asText());
      }
    }
    return queries;
  }

  /** A dashboard query with its Grafana variables replaced, as Prometheus would receive it. */
  public static String asSent(String query) {
    return query.replace("$__rate_interval", "1m").replace("$job", ".*");
  }

  /** Every metric name the alert rules and the dashboard use. */
  public static Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    alertRules().forEach(r -> names.addAll(PromQl.metricNames(String.valueOf(r.get("expr")))));
    dashboardQueries().values().forEach(q -> names.addAll(PromQl.metricNames(asSent(q))));
    for (JsonNode variable : dashboard().get("templating").get("list")) {
      if (variable.has("definition")) {
        Matcher m = LABEL_VALUES.matcher(variable.get("definition").asText());
        if (!m.matches()) {
          throw new AssertionError(
              "a variable that is not label_values(metric, label): " + variable);
        }
        names.add(m.group(1));
      }
    }
    return names;
  }
}
