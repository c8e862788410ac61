package org.batchpredict.models;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Writes TFRecord framing: uint64 length, masked CRC32C of the length, data, masked CRC32C of the
 * data, all little-endian.
 */
final class TfRecords {

  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecords() {}

  /** Writes one well-formed record. */
  static void write(OutputStream out, byte[] data) throws IOException {
    write(out, data, maskedCrc32c(data));
  }

  /** Writes one record whose data CRC is {@code dataCrc}, right or deliberately wrong. */
  static void write(OutputStream out, byte[] data, int dataCrc) throws IOException {
    byte[] length =
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
    out.write(length);
    out.write(littleEndian(maskedCrc32c(length)));
    out.write(data);
    out.write(littleEndian(dataCrc));
  }

  /** The masked CRC32C TFRecord stores: {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}. */
  static int maskedCrc32c(byte[] bytes) {
    CRC32C crc32c = new CRC32C();
    crc32c.update(bytes);
    int crc = (int) crc32c.getValue();
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  private static byte[] littleEndian(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
  }
}
