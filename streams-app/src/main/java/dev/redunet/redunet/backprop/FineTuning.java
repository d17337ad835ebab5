package dev.redunet.redunet.backprop;

import dev.redunet.linalg.MathExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Back-propagation through a {@link Network}: mini-batch Adam on the mean cross-entropy of the
 * soft-max head,
 *
 * <pre>
 *   L = −(1/|B|) Σ_{i ∈ B} log softmax(y(v_L,i))_{y_i}
 * </pre>
 *
 * with respect to every layer's operators E(f), Cʲ(f) and the head (H, b). The gradient of L with
 * respect to the output coefficients is {@code G(f, c) = Σ_k δ_k w_f H_k(f, c)}, δ = (softmax − one
 * hot)/|B|; with respect to the head {@code G_H_k = Σ_i δ_k,i w_f v_i}, {@code G_b_k = Σ_i δ_k,i};
 * the layers' gradients come from {@link LayerMap#backward} (on a whole mini-batch, {@link
 * LayerBatch#backward}), layer by layer from the top, from every layer's forward trace kept from
 * the forward pass (memory: L traces and L + 1 activations of a mini-batch, (2k + 6)·|B|·B·C
 * doubles per layer).
 *
 * <p>Adam ({@link Optimizer#ADAM}): {@code m ← β₁m + (1−β₁)G}, {@code s ← β₂s + (1−β₂)G²}, {@code θ
 * ← θ − lr·m̂/(√ŝ + ε)} with the bias corrections m̂ = m/(1−β₁ᵗ), ŝ = s/(1−β₂ᵗ), per real and
 * imaginary part, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, a constant learning rate. The mini-batches are a
 * seeded shuffle of the training set every epoch. Each layer passes a whole mini-batch at once
 * ({@link LayerBatch}: per frequency bin, the operators applied to every sample; the work split
 * over the executor by bins and by samples, every gradient summed over the samples in batch order),
 * so the result does not depend on the thread count.
 */
public final class FineTuning {

  /** The update rule. */
  public enum Optimizer {
    /** Adam (β₁ 0.9, β₂ 0.999, ε 1e-8). */
    ADAM,
    /** SGD with heavy-ball momentum μ = 0.9: {@code u ← μu + G, θ ← θ − lr·u}. */
    SGD
  }

  private static final double MOMENTUM = 0.9;

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPS = 1e-8;

  /** Samples per batch of the forward passes of {@link #predict} and {@link #forEachLayer}. */
  static final int CHUNK = 64;

  /**
   * How to train.
   *
   * @param epochs passes over the training set
   * @param batch mini-batch size
   * @param learningRate Adam's step size, constant
   * @param seed seed of the mini-batch shuffle
   * @param optimizer Adam, or SGD with momentum 0.9
   */
  public record Settings(
      int epochs, int batch, double learningRate, long seed, Optimizer optimizer) {
    /** Checks the values. */
    public Settings {
      if (epochs < 0 || batch < 1 || !(learningRate > 0) || !Double.isFinite(learningRate)) {
        throw new IllegalArgumentException(
            "need epochs ≥ 0, batch ≥ 1 and a positive learning rate, got "
                + epochs
                + ", "
                + batch
                + ", "
                + learningRate);
      }
    }
  }

  /**
   * What training did.
   *
   * @param epochLoss the mean training cross-entropy of each epoch (over its mini-batches, in nats)
   * @param seconds wall time of the training
   * @param flops real floating-point operations of the layers' forward and backward passes
   */
  @SuppressWarnings("ArrayRecordComponent") // a result handed over
  public record Result(double[] epochLoss, double seconds, double flops) {}

  private FineTuning() {}

  /**
   * Trains {@code net} in place.
   *
   * @param net the network (its operators and head are updated)
   * @param re the training inputs' real parts, m rows of B·C
   * @param im their imaginary parts
   * @param labels class indices in [0, k)
   * @param progress receives one line per epoch
   */
  public static Result train(
      Network net,
      double[][] re,
      double[][] im,
      int[] labels,
      Settings settings,
      MathExecutor math,
      Consumer<String> progress) {
    long t0 = System.nanoTime();
    int m = re.length;
    int depth = net.depth();
    int n = net.size();
    int k = net.classes();
    List<Operators> firstMoment = new ArrayList<>();
    List<Operators> secondMoment = new ArrayList<>();
    for (Operators w : net.operators) {
      firstMoment.add(w.zerosLike());
      secondMoment.add(w.zerosLike());
    }
    double[][] headM = new double[3 * k][n];
    double[][] headS = new double[3 * k][n];
    List<Operators> grad = new ArrayList<>();
    for (Operators w : net.operators) {
      grad.add(w.zerosLike());
    }
    int capacity = Math.min(settings.batch(), Math.max(m, 1));
    // Every layer's forward trace of a mini-batch, kept for the backward pass.
    List<LayerBatch.Workspace> traces = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      traces.add(new LayerBatch.Workspace(capacity, n, net.constants.get(l).classes()));
    }
    // Every layer's inputs of a mini-batch (row 0 points at the training set), G_out and G_v.
    double[][][] actRe = new double[depth + 1][capacity][];
    double[][][] actIm = new double[depth + 1][capacity][];
    for (int l = 1; l <= depth; l++) {
      actRe[l] = new double[capacity][n];
      actIm[l] = new double[capacity][n];
    }
    double[][] gRe = new double[capacity][n];
    double[][] gIm = new double[capacity][n];
    double[][] nextRe = new double[capacity][n];
    double[][] nextIm = new double[capacity][n];
    double[][] gHeadRe = new double[k][n];
    double[][] gHeadIm = new double[k][n];
    double[] gBias = new double[k];
    SplittableRandom shuffle = new SplittableRandom(settings.seed());
    int[] order = new int[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    double[] epochLoss = new double[settings.epochs()];
    long step = 0;
    double flops = 0;
    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      for (int i = m - 1; i > 0; i--) {
        int j = shuffle.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      double lossSum = 0;
      for (int start = 0; start < m; start += settings.batch()) {
        int size = Math.min(settings.batch(), m - start);
        step++;
        for (int b = 0; b < size; b++) {
          actRe[0][b] = re[order[start + b]];
          actIm[0][b] = im[order[start + b]];
        }
        // Forward, keeping every layer's input.
        for (int l = 0; l < depth; l++) {
          LayerBatch.forward(
              net.constants.get(l),
              net.operators.get(l),
              actRe[l],
              actIm[l],
              size,
              traces.get(l),
              actRe[l + 1],
              actIm[l + 1],
              math);
        }
        // The head: loss, δ, the gradients of the head and of the output.
        for (int b = 0; b < size; b++) {
          Arrays.fill(gRe[b], 0);
          Arrays.fill(gIm[b], 0);
        }
        for (int j = 0; j < k; j++) {
          Arrays.fill(gHeadRe[j], 0);
          Arrays.fill(gHeadIm[j], 0);
        }
        Arrays.fill(gBias, 0);
        for (int b = 0; b < size; b++) {
          double[] vr = actRe[depth][b];
          double[] vi = actIm[depth][b];
          double[] p = softmax(net.logits(vr, vi));
          int y = labels[order[start + b]];
          lossSum -= Math.log(Math.max(p[y], Double.MIN_NORMAL));
          for (int j = 0; j < k; j++) {
            double delta = (p[j] - (j == y ? 1 : 0)) / size;
            gBias[j] += delta;
            for (int f = 0; f < net.binWeight.length; f++) {
              double a = delta * net.binWeight[f];
              for (int q = f * net.channels; q < (f + 1) * net.channels; q++) {
                gHeadRe[j][q] += a * vr[q];
                gHeadIm[j][q] += a * vi[q];
                gRe[b][q] += a * net.headRe[j][q];
                gIm[b][q] += a * net.headIm[j][q];
              }
            }
          }
        }
        // Backward through the layers, top first; each layer is updated once its gradient is in.
        for (int l = depth - 1; l >= 0; l--) {
          LayerMap.Constants c = net.constants.get(l);
          Operators w = net.operators.get(l);
          Operators g = grad.get(l);
          zero(g);
          LayerBatch.backward(
              c, w, actRe[l], actIm[l], size, traces.get(l), gRe, gIm, nextRe, nextIm, g, math);
          adam(w, g, firstMoment.get(l), secondMoment.get(l), step, settings);
          double[][] swap = gRe;
          gRe = nextRe;
          nextRe = swap;
          swap = gIm;
          gIm = nextIm;
          nextIm = swap;
        }
        for (int j = 0; j < k; j++) {
          adam(net.headRe[j], gHeadRe[j], headM[j], headS[j], step, settings);
          adam(net.headIm[j], gHeadIm[j], headM[k + j], headS[k + j], step, settings);
        }
        adam(net.bias, gBias, headM[2 * k], headS[2 * k], step, settings);
        flops += size * layerFlops(net) * 3.0; // forward (1×), backward (2×: G_v and G_W)
      }
      epochLoss[epoch] = lossSum / m;
      progress.accept(
          String.format(
              Locale.ROOT,
              "fine-tuning: epoch %d/%d  training loss %.6f  %.1f s",
              epoch + 1,
              settings.epochs(),
              epochLoss[epoch],
              (System.nanoTime() - t0) / 1e9));
    }
    return new Result(epochLoss, (System.nanoTime() - t0) / 1e9, flops);
  }

  /**
   * Real floating-point operations of one layer map of one sample, over all layers: 1 + k complex C
   * × C matrix-vector products per bin (8 flops per complex multiply-add).
   */
  static double layerFlops(Network net) {
    double total = 0;
    for (int l = 0; l < net.depth(); l++) {
      Operators w = net.operators.get(l);
      total += 8.0 * w.count() * w.bins * (double) w.channels * w.channels;
    }
    return total;
  }

  /**
   * The head's class scores argmax_k y_k of every sample after all layers.
   *
   * @param re inputs, m rows of B·C
   * @param im their imaginary parts
   */
  public static int[] predict(Network net, double[][] re, double[][] im, MathExecutor math) {
    int[] out = new int[re.length];
    int n = net.size();
    int capacity = Math.min(CHUNK, Math.max(re.length, 1));
    LayerBatch.Workspace ws = new LayerBatch.Workspace(capacity, n, net.constants.get(0).classes());
    double[][][] bufRe = {new double[capacity][n], new double[capacity][n]};
    double[][][] bufIm = {new double[capacity][n], new double[capacity][n]};
    double[][] inRe = new double[capacity][];
    double[][] inIm = new double[capacity][];
    for (int start = 0; start < re.length; start += capacity) {
      int size = Math.min(capacity, re.length - start);
      System.arraycopy(re, start, inRe, 0, size);
      System.arraycopy(im, start, inIm, 0, size);
      double[][] vr = inRe;
      double[][] vi = inIm;
      for (int l = 0; l < net.depth(); l++) {
        double[][] or = bufRe[l % 2];
        double[][] oi = bufIm[l % 2];
        LayerBatch.forward(
            net.constants.get(l), net.operators.get(l), vr, vi, size, ws, or, oi, math);
        vr = or;
        vi = oi;
      }
      for (int i = 0; i < size; i++) {
        double[] y = net.logits(vr[i], vi[i]);
        int best = 0;
        for (int j = 1; j < y.length; j++) {
          if (y[j] > y[best]) {
            best = j;
          }
        }
        out[start + i] = best;
      }
    }
    return out;
  }

  /** The head's argmax for output coefficients (after all layers), m rows of B·C. */
  public static int[] classify(Network net, double[][] re, double[][] im) {
    int[] out = new int[re.length];
    for (int i = 0; i < re.length; i++) {
      double[] y = net.logits(re[i], im[i]);
      int best = 0;
      for (int j = 1; j < y.length; j++) {
        if (y[j] > y[best]) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  /** Receives the outputs of one layer for all samples. */
  @FunctionalInterface
  public interface LayerOutputs {
    /**
     * Layer ℓ's outputs.
     *
     * @param layer ℓ, from 0
     * @param re m rows of B·C
     * @param im their imaginary parts
     */
    void accept(int layer, double[][] re, double[][] im);
  }

  /** Moves the inputs through every layer, handing each layer's outputs to {@code sink}. */
  public static void forEachLayer(
      Network net, double[][] re, double[][] im, MathExecutor math, LayerOutputs sink) {
    int m = re.length;
    int n = net.size();
    int capacity = Math.min(CHUNK, Math.max(m, 1));
    LayerBatch.Workspace ws = new LayerBatch.Workspace(capacity, n, net.constants.get(0).classes());
    double[][] inRe = new double[capacity][];
    double[][] inIm = new double[capacity][];
    double[][] outRe = new double[capacity][];
    double[][] outIm = new double[capacity][];
    double[][] vr = re;
    double[][] vi = im;
    for (int l = 0; l < net.depth(); l++) {
      double[][] nr = new double[m][n];
      double[][] ni = new double[m][n];
      for (int start = 0; start < m; start += capacity) {
        int size = Math.min(capacity, m - start);
        System.arraycopy(vr, start, inRe, 0, size);
        System.arraycopy(vi, start, inIm, 0, size);
        System.arraycopy(nr, start, outRe, 0, size);
        System.arraycopy(ni, start, outIm, 0, size);
        LayerBatch.forward(
            net.constants.get(l), net.operators.get(l), inRe, inIm, size, ws, outRe, outIm, math);
      }
      sink.accept(l, nr, ni);
      vr = nr;
      vi = ni;
    }
  }

  private static void zero(Operators g) {
    for (int o = 0; o < g.count(); o++) {
      Arrays.fill(g.re[o], 0);
      Arrays.fill(g.im[o], 0);
    }
  }

  private static void adam(
      Operators w, Operators g, Operators m, Operators s, long step, Settings settings) {
    for (int o = 0; o < w.count(); o++) {
      adam(w.re[o], g.re[o], m.re[o], s.re[o], step, settings);
      adam(w.im[o], g.im[o], m.im[o], s.im[o], step, settings);
    }
  }

  private static void adam(
      double[] theta, double[] g, double[] m, double[] s, long step, Settings settings) {
    if (settings.optimizer() == Optimizer.SGD) {
      double lr = settings.learningRate();
      for (int q = 0; q < theta.length; q++) {
        m[q] = MOMENTUM * m[q] + g[q];
        theta[q] -= lr * m[q];
      }
      return;
    }
    double c1 = 1 - Math.pow(BETA1, (double) step);
    double c2 = 1 - Math.pow(BETA2, (double) step);
    double lr = settings.learningRate();
    for (int q = 0; q < theta.length; q++) {
      m[q] = BETA1 * m[q] + (1 - BETA1) * g[q];
      s[q] = BETA2 * s[q] + (1 - BETA2) * g[q] * g[q];
      theta[q] -= lr * (m[q] / c1) / (Math.sqrt(s[q] / c2) + ADAM_EPS);
    }
  }

  private static double[] softmax(double[] y) {
    double best = Double.NEGATIVE_INFINITY;
    for (double v : y) {
      best = Math.max(best, v);
    }
    double[] p = new double[y.length];
    double sum = 0;
    for (int j = 0; j < y.length; j++) {
      p[j] = Math.exp(y[j] - best);
      sum += p[j];
    }
    for (int j = 0; j < y.length; j++) {
      p[j] /= sum;
    }
    return p;
  }
}
