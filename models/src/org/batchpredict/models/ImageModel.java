package org.batchpredict.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.MapDefun;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeImage;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Builds {@code models/image}: a model fed a batch of encoded images.
 *
 * <p>Signature {@code serving_default} takes {@code key} string {@code [-1]} and {@code
 * image_bytes} string {@code [-1]} of encoded PNG, JPEG, GIF or BMP bytes. The decode ops take one
 * scalar image, so the graph maps a per-image function over the batch with the {@code MapDefun} op:
 * the function decodes to 3 channels and returns the per-channel mean of pixel values / 255.
 * Outputs: {@code key} (echoed), {@code mean_rgb} float32 {@code [-1, 3]} and {@code probabilities}
 * float32 {@code [-1, 2]} {@code = softmax(mean_rgb·Wimg + bimg)} ({@link ExampleWeights}). One
 * undecodable image makes the whole call fail.
 */
final class ImageModel {

  private ImageModel() {}

  /** Writes the image SavedModel into {@code dir}, which must not exist yet. */
  static void export(Path dir) throws IOException {
    try (Graph graph = new Graph();
        Session session = new Session(graph);
        ConcreteFunction meanRgbOfOne = ConcreteFunction.create(ImageModel::meanRgbOfOneImage)) {
      Ops tf = Ops.create(graph);
      var key = Graphs.batchInput(tf, "key", TString.class);
      var imageBytes = Graphs.batchInput(tf, "image_bytes", TString.class);

      // Decode each image of the batch on its own; MapDefun stacks the [3] results to [-1, 3].
      MapDefun perImage =
          tf.withName("decode_each")
              .mapDefun(
                  List.of(imageBytes),
                  List.of(),
                  List.of(TFloat32.class),
                  List.of(Shape.of(3)),
                  meanRgbOfOne);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> meanRgb =
          tf.withName("mean_rgb").identity((Operand<TFloat32>) perImage.output().get(0));

      var weights = Graphs.matrixVariable(tf, "w_img", 3, 2, ExampleWeights::wImage);
      var bias = Graphs.vectorVariable(tf, "b_img", 2, ExampleWeights::bImage);
      var probabilities =
          tf.withName("probabilities")
              .nn
              .softmax(tf.math.add(tf.linalg.matMul(meanRgb, weights), bias));

      Signature signature =
          Signature.builder()
              .key(Signature.DEFAULT_KEY)
              .input("key", key)
              .input("image_bytes", imageBytes)
              .output("key", tf.withName("key_echo").identity(key))
              .output("mean_rgb", meanRgb)
              .output("probabilities", probabilities)
              .build();
      Graphs.export(dir, session, signature);
    }
  }

  /** The per-element function: one encoded image (scalar string) to its mean RGB, float32 [3]. */
  private static Signature meanRgbOfOneImage(Ops tf) {
    var encoded = tf.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
    var pixels =
        tf.image.decodeImage(
            encoded, TUint8.class, DecodeImage.channels(3L), DecodeImage.expandAnimations(false));
    var rows = tf.reshape(tf.dtypes.cast(pixels, TFloat32.class), tf.constant(new long[] {-1, 3}));
    var mean = tf.math.div(tf.math.mean(rows, tf.constant(0)), tf.constant(255f));
    return Signature.builder().input("image", encoded).output("mean_rgb", mean).build();
  }
}
