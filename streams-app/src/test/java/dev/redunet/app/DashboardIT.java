package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.testing.SystemTools;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

/**
 * The dashboard in Debian's headless chromium (Selenium, Debian's chromedriver named explicitly so
 * that Selenium Manager never downloads anything) against a running application on a real broker:
 * while samples stream, the page shows the current model version, the accuracy figure, and a chart
 * that gains points; the per-window accuracy and kappa of each version (a chart that gains points,
 * and the versions table with build time, window size, accuracy, kappa, novel and cluster counts),
 * the novelty threshold, the clusters published, and the rejected records by reason. The screenshot
 * goes to target/dashboard.png (docs/dashboard.png is one).
 */
@ExtendWith(KafkaBrokerExtension.class)
class DashboardIT {

  private static final Duration PATIENCE = Duration.ofMinutes(2);

  @TempDir Path tmp;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<CountDownLatch> stops = new ArrayList<>();
  private final AtomicBoolean streaming = new AtomicBoolean(true);

  @AfterEach
  void stopEverything() throws Exception {
    streaming.set(false);
    stops.forEach(CountDownLatch::countDown);
    executor.shutdown();
    assertThat(executor.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
  }

  private InetSocketAddress start(KafkaCluster kafka, String prefix) throws Exception {
    String[] args = {
      "--bootstrap-servers", kafka.bootstrapServers(),
      "--application-id", kafka.uniqueName("dashboard-app"),
      "--state-dir", tmp.resolve("state").toString(),
      "--http-port", "0",
      "--window", "40",
      "-D", "redunet.topic.prefix=" + prefix,
      "-D", "redunet.partitions=1",
      "-D", "redunet.idle.timeout.ms=300",
      "-D", "kafka.commit.interval.ms=100"
    };
    CountDownLatch stop = new CountDownLatch(1);
    stops.add(stop);
    RunCommand run =
        new RunCommand(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            System.err,
            stop,
            false);
    Future<Integer> unused = executor.submit(() -> new CommandLine(run).execute(args));
    return run.httpAddress.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  /** Streams labelled samples of 3 Gaussian classes, 100/s, until the test ends. */
  private void stream(KafkaCluster kafka, String topic) {
    Future<?> unused =
        executor.submit(
            () -> {
              Random rnd = new Random(4);
              try (KafkaProducer<String, String> producer =
                  new KafkaProducer<>(
                      kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; streaming.get() && i < 20_000; i++) {
                  int c = i % 3;
                  String value =
                      String.format(
                          Locale.ROOT,
                          "{\"id\":\"d%d\",\"features\":[%.3f,%.3f,%.3f,%.3f],\"label\":\"c%d\"}",
                          i,
                          (c == 0 ? 2 : 0) + 0.4 * rnd.nextGaussian(),
                          (c == 1 ? 2 : 0) + 0.4 * rnd.nextGaussian(),
                          (c == 2 ? 2 : 0) + 0.4 * rnd.nextGaussian(),
                          1 + 0.4 * rnd.nextGaussian(),
                          c);
                  if (i % 97 == 96) {
                    value = "{\"id\":\"bad" + i + "\",\"features\":"; // rejected: UNPARSABLE
                  }
                  Future<?> sent = producer.send(new ProducerRecord<>(topic, "d" + i, value));
                  if (i % 500 == 0) {
                    sent.get();
                  }
                  if (i % 10 == 9) {
                    producer.flush();
                    Thread.sleep(100);
                  }
                }
              }
              return null;
            });
  }

  @Test
  void theDashboardShowsTheVersionTheAccuracyAndAChartThatGainsPointsWhileSamplesStream(
      KafkaCluster kafka) throws Exception {
    Path chromium = SystemTools.require("/usr/bin/chromium", "chromium");
    Path chromedriver = SystemTools.require("/usr/bin/chromedriver", "chromium-driver");
    String prefix = kafka.uniqueName("dash") + ".";
    InetSocketAddress http = start(kafka, prefix);
    stream(kafka, prefix + "samples");

    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile())
            .usingAnyFreePort()
            .build();
    WebDriver driver = new ChromeDriver(service, options);
    try {
      driver.get("http://127.0.0.1:" + http.getPort() + "/");
      until(
          driver,
          "a model version",
          d -> d.findElement(By.id("version")).getText().matches("v[1-9][0-9]*"));
      until(
          driver,
          "the accuracy figure",
          d -> d.findElement(By.id("accuracy")).getText().matches("0\\.[0-9]{4}|1\\.0000"));
      assertThat(driver.findElements(By.cssSelector("#chart canvas")))
          .as("uPlot drew its canvas")
          .isNotEmpty();
      int before = points(driver);
      String versionBefore = driver.findElement(By.id("version")).getText();
      until(driver, "3 more chart points", d -> points(d) >= before + 3);
      until(
          driver,
          "a newer version",
          d -> !d.findElement(By.id("version")).getText().equals(versionBefore));
      // Per window: accuracy and kappa of every version's window, a chart that gains points.
      until(driver, "2 window points", d -> windowPoints(d) >= 2);
      int windowsBefore = windowPoints(driver);
      until(driver, "1 more window point", d -> windowPoints(d) > windowsBefore);
      assertThat(driver.findElements(By.cssSelector("#windows canvas"))).isNotEmpty();
      assertThat(driver.findElement(By.id("windowAccuracy")).getText())
          .matches("0\\.[0-9]{4}|1\\.0000");
      assertThat(driver.findElement(By.id("kappa")).getText()).matches("-?0\\.[0-9]{4}|1\\.0000");
      // The tables are redrawn every second: read them in one script call.
      assertThat(texts(driver, "#versions tbody tr")).hasSizeGreaterThanOrEqualTo(3);
      List<String> newest = texts(driver, "#versions tbody tr:first-child td");
      assertThat(newest).hasSize(7);
      assertThat(newest.get(0)).matches("v[1-9][0-9]*");
      assertThat(newest.get(1)).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      assertThat(newest.get(2)).isEqualTo("40");
      assertThat(newest.get(3)).matches("0\\.[0-9]{4}|1\\.0000");
      assertThat(newest.get(4)).matches("-?0\\.[0-9]{4}|1\\.0000");
      assertThat(newest.get(5)).matches("[0-9]+");
      assertThat(driver.findElement(By.id("threshold")).getText())
          .matches("threshold -?[0-9.]+ bits/dim; [0-9]+ in the last window");
      assertThat(driver.findElement(By.id("clusters")).getText()).matches("[0-9]+");
      until(
          driver,
          "the rejected records by reason",
          d -> {
            List<String> cells = texts(d, "#rejected tbody td");
            int i = cells.indexOf("UNPARSABLE");
            return i >= 0 && cells.get(i + 1).matches("[1-9][0-9]*");
          });
      assertThat(driver.findElements(By.cssSelector("#layers tbody tr"))).hasSize(2);
      assertThat(driver.findElements(By.cssSelector("#classes tbody tr"))).hasSize(3);
      assertThat(driver.findElement(By.id("rate")).getText()).matches("[0-9.]+");
      Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Path target = Path.of("target", "dashboard.png");
      Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
      assertThat(Files.size(target)).isGreaterThan(10_000);
    } finally {
      driver.quit();
    }
  }

  private static void until(
      WebDriver driver, String what, java.util.function.Predicate<WebDriver> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!done.test(driver)) {
      assertThat(System.nanoTime())
          .as("the dashboard shows %s within %s", what, PATIENCE)
          .isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  /** The text of every element {@code css} selects, read at once. */
  @SuppressWarnings("unchecked")
  private static List<String> texts(WebDriver d, String css) {
    return (List<String>)
        ((JavascriptExecutor) d)
            .executeScript(
                "return Array.from(document.querySelectorAll(arguments[0]))"
                    + ".map(function (e) { return e.textContent; });",
                css);
  }

  private static int windowPoints(WebDriver d) {
    return Integer.parseInt(d.findElement(By.id("windows")).getAttribute("data-points"));
  }

  private static int points(WebDriver d) {
    return Integer.parseInt(d.findElement(By.id("chart")).getAttribute("data-points"));
  }
}
