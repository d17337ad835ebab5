package dev.redunet.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for one test run with the JDK's {@code keytool} (a child process;
 * nothing is checked in): a self-signed CA, a server key signed by it for a host name (and
 * 127.0.0.1) with the server-authentication usage, the server's PKCS12 key store (its key, its
 * certificate and the CA's) and a PKCS12 trust store holding only the CA's certificate. EC P-256
 * keys, valid for two days.
 */
public final class TestCa {

  /**
   * The files a TLS server and its clients use.
   *
   * @param keyStore the server's PKCS12 key store (alias {@code server})
   * @param trustStore the clients' PKCS12 trust store (alias {@code ca})
   * @param password the password of both stores and of the key
   */
  public record Stores(Path keyStore, Path trustStore, String password) {}

  private TestCa() {}

  /**
   * Makes the CA and the stores in {@code dir} (created if missing).
   *
   * @param dir where the files go
   * @param host the server's DNS name, written as a subject alternative name
   */
  public static Stores create(Path dir, String host) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String password = "test-" + Long.toHexString(System.nanoTime());
    Path ca = dir.resolve("ca.p12");
    Path caCert = dir.resolve("ca.crt");
    Path server = dir.resolve("server.p12");
    Path request = dir.resolve("server.csr");
    Path serverCert = dir.resolve("server.crt");
    Path trust = dir.resolve("truststore.p12");
    String[] store = {"-storetype", "PKCS12", "-storepass", password};
    String[] key = {"-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"};

    keytool(
        dir,
        join(
            new String[] {"-genkeypair", "-alias", "ca", "-keystore", ca.toString()},
            store,
            key,
            new String[] {"-dname", "CN=redunet test CA", "-ext", "bc:c", "-keypass", password}));
    keytool(
        dir,
        join(
            new String[] {
              "-exportcert",
              "-rfc",
              "-alias",
              "ca",
              "-keystore",
              ca.toString(),
              "-file",
              caCert.toString()
            },
            store));
    keytool(
        dir,
        join(
            new String[] {"-genkeypair", "-alias", "server", "-keystore", server.toString()},
            store,
            key,
            new String[] {"-dname", "CN=" + host, "-keypass", password}));
    keytool(
        dir,
        join(
            new String[] {
              "-certreq",
              "-alias",
              "server",
              "-keystore",
              server.toString(),
              "-file",
              request.toString()
            },
            store));
    keytool(
        dir,
        join(
            new String[] {
              "-gencert",
              "-rfc",
              "-alias",
              "ca",
              "-keystore",
              ca.toString(),
              "-infile",
              request.toString(),
              "-outfile",
              serverCert.toString(),
              "-validity",
              "2",
              "-ext",
              "san=dns:" + host + ",ip:127.0.0.1",
              "-ext",
              "eku=serverAuth"
            },
            store));
    keytool(
        dir,
        join(
            new String[] {
              "-importcert",
              "-noprompt",
              "-alias",
              "ca",
              "-file",
              caCert.toString(),
              "-keystore",
              server.toString()
            },
            store));
    keytool(
        dir,
        join(
            new String[] {
              "-importcert",
              "-noprompt",
              "-alias",
              "server",
              "-file",
              serverCert.toString(),
              "-keystore",
              server.toString()
            },
            store));
    keytool(
        dir,
        join(
            new String[] {
              "-importcert",
              "-noprompt",
              "-alias",
              "ca",
              "-file",
              caCert.toString(),
              "-keystore",
              trust.toString()
            },
            store));
    return new Stores(server, trust, password);
  }

  private static String[] join(String[]... parts) {
    List<String> all = new ArrayList<>();
    for (String[] p : parts) {
      all.addAll(List.of(p));
    }
    return all.toArray(String[]::new);
  }

  private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (!Files.isExecutable(keytool)) {
      fail(keytool + " is missing: the tests need a full JDK 17 (its keytool makes the test CA)");
    }
    List<String> command = new ArrayList<>();
    command.add(keytool.toString());
    command.add("-J-Xshare:auto");
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
      fail("keytool " + String.join(" ", args) + " did not finish within 60 s: " + output);
    }
    if (p.exitValue() != 0) {
      fail("keytool " + String.join(" ", args) + " failed (" + p.exitValue() + "): " + output);
    }
  }
}
