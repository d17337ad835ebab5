package dev.redunet.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects: its identifiers, once string literals, label
 * matchers ({@code {...}}), range and subquery selectors ({@code [...]}), grouping clauses ({@code
 * by (...)}, {@code without}, {@code on}, {@code ignoring}, {@code group_left}, {@code
 * group_right}), function and aggregation calls and keywords are taken out. Grafana variables
 * ({@code $job}, {@code $__rate_interval}) sit in matchers and ranges, so they go with them.
 */
public final class PromQl {
  private PromQl() {}

  private static final Pattern STRING =
      Pattern.compile("\"(\\\\.|[^\"\\\\])*\"|'(\\\\.|[^'\\\\])*'");
  private static final Pattern BRACES = Pattern.compile("\\{[^{}]*\\}");
  private static final Pattern BRACKETS = Pattern.compile("\\[[^\\[\\]]*\\]");
  private static final Pattern GROUPING =
      Pattern.compile(
          "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern IDENTIFIER =
      Pattern.compile("(?<![A-Za-z0-9_:.$])([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "atan2");

  /** The metric names {@code expr} selects, sorted. */
  public static Set<String> metricNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = BRACES.matcher(s).replaceAll(" ");
    s = BRACKETS.matcher(s).replaceAll(" ");
    s = GROUPING.matcher(s).replaceAll(" ");
    // A grouping clause may follow its aggregation's argument: sum(x) by (job).
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String id = m.group(1);
      boolean call = m.group(2) != null;
      if (!call && !KEYWORDS.contains(id.toLowerCase(java.util.Locale.ROOT))) {
        names.add(id);
      }
    }
    return names;
  }
}
