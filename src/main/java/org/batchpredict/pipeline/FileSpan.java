package org.batchpredict.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;

/**
 * The part of a file a reader still has to read: from a record boundary, known by its offset in the
 * decoded stream and the number of records (or lines) before it, up to {@link #end} (an offset, or
 * {@link Long#MAX_VALUE} for the end of the file).
 *
 * <p>Spans split only at record boundaries the reader has reached, so every record keeps its exact
 * line or record number: this is how a read checkpoints and resumes, rather than how a file is cut
 * into parallel pieces.
 */
record FileSpan(long offset, long recordsBefore, long end) {
  static FileSpan wholeFile() {
    return new FileSpan(0, 0, Long.MAX_VALUE);
  }

  /**
   * A claim to emit the records from {@code offset} up to {@code next}, the boundary after them.
   */
  record Claim(long offset, FileSpan next) {
    /** The claim a reader makes when it reaches the end of the file. */
    static final Claim END = new Claim(Long.MAX_VALUE, null);
  }

  /** Tracks a reader's progress through one span; see {@link FileSpan}. */
  static final class Tracker extends RestrictionTracker<FileSpan, Claim> {
    private FileSpan span;
    private Claim last;
    private boolean reachedEnd;

    Tracker(FileSpan span) {
      this.span = span;
    }

    @Override
    public boolean tryClaim(Claim claim) {
      if (claim == Claim.END) {
        reachedEnd = true;
        return false;
      }
      if (claim.offset() >= span.end()) {
        return false;
      }
      last = claim;
      return true;
    }

    @Override
    public FileSpan currentRestriction() {
      return span;
    }

    /** Splits only to checkpoint ({@code fraction == 0}), at the boundary after the last claim. */
    @Override
    public SplitResult<FileSpan> trySplit(double fractionOfRemainder) {
      if (fractionOfRemainder != 0 || reachedEnd) {
        return null;
      }
      FileSpan resume = last == null ? span : last.next();
      if (resume.offset() >= span.end()) {
        return null;
      }
      FileSpan primary = new FileSpan(span.offset(), span.recordsBefore(), resume.offset());
      FileSpan residual = new FileSpan(resume.offset(), resume.recordsBefore(), span.end());
      span = primary;
      return SplitResult.of(primary, residual);
    }

    @Override
    public void checkDone() {
      long reached = last == null ? span.offset() : last.next().offset();
      if (!reachedEnd && reached < span.end()) {
        throw new IllegalStateException(
            "Stopped at offset " + reached + " before the end of " + span);
      }
    }

    @Override
    public IsBounded isBounded() {
      return IsBounded.BOUNDED;
    }
  }

  /** A deterministic coder for spans. */
  static final class Coder extends CustomCoder<FileSpan> {
    static final Coder INSTANCE = new Coder();

    @Override
    public void encode(FileSpan span, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      out.writeLong(span.offset());
      out.writeLong(span.recordsBefore());
      out.writeLong(span.end());
      out.flush();
    }

    @Override
    public FileSpan decode(InputStream inStream) throws IOException {
      DataInputStream in = new DataInputStream(inStream);
      return new FileSpan(in.readLong(), in.readLong(), in.readLong());
    }

    @Override
    public void verifyDeterministic() {}
  }
}
