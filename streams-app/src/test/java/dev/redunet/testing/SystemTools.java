package dev.redunet.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * System programs that some tests drive (kcat, promtool, chromium, the Debian python3 with its
 * packages). A missing program fails the test naming the Debian package that provides it; it never
 * skips. {@code .ci/test} (the README's test command) installs every package listed in {@code
 * .ci/packages}.
 */
public final class SystemTools {
  private SystemTools() {}

  /**
   * The path of an executable, or a test failure that names its Debian package.
   *
   * @param path absolute path of the program, e.g. {@code /usr/bin/kcat}
   * @param debianPackage the package that installs it, e.g. {@code kcat}
   */
  public static Path require(String path, String debianPackage) {
    Path program = Path.of(path);
    if (!Files.isExecutable(program)) {
      fail(
          path
              + " is missing: install the Debian package '"
              + debianPackage
              + "' (the README's test command, .ci/test, installs everything in .ci/packages)");
    }
    return program;
  }

  /**
   * Debian's Python 3 ({@code /usr/bin/python3}, not a pyenv or venv one) after checking that it
   * can import a module, or a test failure that names the module's Debian package.
   *
   * @param module a Python module, e.g. {@code numpy}
   * @param debianPackage the package that installs it, e.g. {@code python3-numpy}
   */
  public static Path requirePythonModule(String module, String debianPackage) {
    Path python = require("/usr/bin/python3", "python3");
    try {
      Process check =
          new ProcessBuilder(python.toString(), "-c", "import " + module)
              .redirectErrorStream(true)
              .start();
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (check.waitFor() != 0) {
        fail(
            "/usr/bin/python3 cannot import "
                + module
                + ": install the Debian package '"
                + debianPackage
                + "' (.ci/test installs everything in .ci/packages): "
                + output.strip());
      }
    } catch (java.io.IOException e) {
      fail("cannot run /usr/bin/python3: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted while checking python module " + module);
    }
    return python;
  }
}
