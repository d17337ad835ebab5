package dev.redunet.linalg;

/**
 * Whether this JVM runs the Vector API kernels of the module {@code redunet-simd} ({@code
 * dev.redunet.simd}), or the scalar kernels of this package: the Vector API is the incubator module
 * {@code jdk.incubator.vector}, present only when the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (the {@code redunet} launchers, the container image and the test JVMs do),
 * and used only where its preferred vector holds at least four doubles (AVX2 or wider). The system
 * property {@code redunet.simd=false} turns it off.
 *
 * <p>The two kernels of each operation compute every value with the same floating-point operations
 * in the same order, so a model's bits do not depend on which one ran (ThreadCountTest and
 * SimdKernelsTest check it).
 */
public final class Simd {

  /** The system property that turns the Vector API kernels off when {@code false}. */
  public static final String PROPERTY = "redunet.simd";

  private static final boolean ENABLED = detect();
  private static final boolean GEMM = ENABLED && dev.redunet.simd.GemmKernels.supported();

  private Simd() {}

  /**
   * Whether the Vector API kernels run in this JVM.
   *
   * @return true when {@code jdk.incubator.vector} is present, its preferred vector holds at least
   *     four doubles, and {@code redunet.simd} is not {@code false}
   */
  public static boolean enabled() {
    return ENABLED;
  }

  /**
   * What runs, for logs and benchmark headers: e.g. {@code "Vector API, 8 doubles per vector"} or
   * {@code "scalar (start the JVM with --add-modules jdk.incubator.vector for the Vector API)"}.
   *
   * @return a short description of the kernels in use
   */
  public static String describe() {
    if (ENABLED) {
      return "Vector API, " + dev.redunet.simd.PanelKernels.lanes() + " doubles per vector";
    }
    if (!vectorModulePresent()) {
      return "scalar (start the JVM with --add-modules jdk.incubator.vector for the Vector API)";
    }
    return "scalar (" + PROPERTY + "=false, or vectors narrower than 4 doubles)";
  }

  /**
   * Whether {@link Gemm} runs the Vector API tiles ({@code dev.redunet.simd.GemmKernels}).
   *
   * @return {@link #enabled()} and vectors of four or eight doubles
   */
  static boolean gemmKernels() {
    return GEMM;
  }

  private static boolean detect() {
    if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
      return false;
    }
    // Only touch the kernels' class when the module is there: it links against the module.
    return vectorModulePresent() && dev.redunet.simd.PanelKernels.lanes() >= 4;
  }

  private static boolean vectorModulePresent() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }
}
