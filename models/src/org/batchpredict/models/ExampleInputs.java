package org.batchpredict.models;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The values in the {@code testdata/} files, as closed formulas of the record index.
 *
 * <p>{@link GenerateTestData} writes the files from these methods, and tests call them to know what
 * a given line or record holds. Every value is exactly representable in float32, so parsing a file
 * and feeding a float32 input loses nothing.
 */
public final class ExampleInputs {

  /** Side of the square example images, in pixels. */
  public static final int IMAGE_SIDE = 8;

  private ExampleInputs() {}

  /** One instance of the census {@code serving_default} signature. */
  public record CensusInstance(
      String key,
      float age,
      long hoursPerWeek,
      double capitalGain,
      boolean isMarried,
      int educationCode,
      float[] features) {

    /** The 9-column row {@code x} the census graph computes from this instance. */
    public double[] row() {
      double[] f = new double[features.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = features[i];
      }
      return CensusWeights.censusRow(age, hoursPerWeek, capitalGain, isMarried, educationCode, f);
    }
  }

  /**
   * Census instance number {@code i}: age {@code 20.5 + 7i mod 50}, hours_per_week {@code 10 + 13i
   * mod 60}, capital_gain {@code 123.25 * (37i mod 100)}, is_married {@code i mod 3 == 0},
   * education_code {@code 1 + i mod 16}, features {@code [0.25 * (i mod 5), (i mod 7) - 3, (i mod
   * 11) / 4 - 1, 0.5 * (i mod 13) - 2]}.
   */
  public static CensusInstance census(String key, int i) {
    return new CensusInstance(
        key,
        20.5f + (7 * i) % 50,
        10 + (13 * i) % 60,
        123.25 * ((37 * i) % 100),
        i % 3 == 0,
        1 + i % 16,
        censusFeatures(i));
  }

  /** The {@code features} input of census instance {@code i}, also used for features_only.json. */
  public static float[] censusFeatures(int i) {
    return new float[] {0.25f * (i % 5), (i % 7) - 3f, (i % 11) / 4f - 1f, 0.5f * (i % 13) - 2f};
  }

  /**
   * Feature {@code x} of tf.Example record {@code i}: {@code [0.5i, 1 - 0.25i, 0.125 (i mod 10)]}.
   */
  public static float[] tfExampleX(int i) {
    return new float[] {0.5f * i, 1f - 0.25f * i, 0.125f * (i % 10)};
  }

  /**
   * Packed 0xRRGGBB colour of pixel (x, y) of example image {@code n}: red {@code (20n + 8x) mod
   * 256}, green {@code (10n + 16y) mod 256}, blue {@code (30n + 3xy) mod 256}.
   */
  public static int imagePixel(int n, int x, int y) {
    int r = (20 * n + 8 * x) % 256;
    int g = (10 * n + 16 * y) % 256;
    int b = (30 * n + 3 * x * y) % 256;
    return (r << 16) | (g << 8) | b;
  }

  /** Per-channel mean of example image {@code n}, pixel values divided by 255. */
  public static double[] imageMeanRgb(int n) {
    double[] sum = new double[3];
    for (int y = 0; y < IMAGE_SIDE; y++) {
      for (int x = 0; x < IMAGE_SIDE; x++) {
        int rgb = imagePixel(n, x, y);
        sum[0] += (rgb >> 16) & 0xff;
        sum[1] += (rgb >> 8) & 0xff;
        sum[2] += rgb & 0xff;
      }
    }
    for (int c = 0; c < 3; c++) {
      sum[c] /= IMAGE_SIDE * IMAGE_SIDE * 255.0;
    }
    return sum;
  }

  /** Example image {@code n} encoded as an 8x8 8-bit RGB PNG. */
  public static byte[] imagePng(int n) {
    BufferedImage image = new BufferedImage(IMAGE_SIDE, IMAGE_SIDE, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < IMAGE_SIDE; y++) {
      for (int x = 0; x < IMAGE_SIDE; x++) {
        image.setRGB(x, y, imagePixel(n, x, y));
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", png)) {
        throw new IllegalStateException("No PNG writer in javax.imageio");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return png.toByteArray();
  }
}
