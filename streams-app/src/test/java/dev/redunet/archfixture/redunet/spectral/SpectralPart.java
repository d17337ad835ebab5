package dev.redunet.archfixture.redunet.spectral;

import dev.redunet.archfixture.redunet.Network;

/** The other half of the planted cycle: uses the package above it, which uses this one. */
public final class SpectralPart {
  private SpectralPart() {}

  /** A constant. */
  public static int channels() {
    return 3;
  }

  /** Uses the package above. */
  public static int total() {
    return Network.size();
  }
}
