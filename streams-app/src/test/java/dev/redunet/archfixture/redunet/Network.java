package dev.redunet.archfixture.redunet;

import dev.redunet.archfixture.redunet.spectral.SpectralPart;

/** A fixture of a package cycle on purpose: this package and its subpackage use each other. */
public final class Network {
  private Network() {}

  /** Uses the subpackage. */
  public static int size() {
    return SpectralPart.channels() + 1;
  }
}
