package org.batchpredict.pipeline;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Reads matched input files into {@link RecordChunk}s of up to {@code chunkSize} raw records, with
 * damaged records as {@link PredictionError}s on {@link #ERRORS}.
 *
 * <p>Each file is read by a splittable DoFn that hands back a checkpoint every {@link
 * #RECORDS_PER_CALL} records, so a runner commits chunks as they are read (memory stays flat
 * however large the file) and other workers parse and predict them meanwhile. Text files ending in
 * {@code .gz}, and every file of TF_RECORD_GZIP, are decompressed.
 *
 * <pre>{@code
 * PCollectionTuple read = files.apply("ReadRecords", ReadRecords.of(DataFormat.JSON, 64));
 * PCollection<RecordChunk> chunks = read.get(ReadRecords.CHUNKS);
 * }</pre>
 */
final class ReadRecords extends PTransform<PCollection<MatchResult.Metadata>, PCollectionTuple> {
  static final TupleTag<RecordChunk> CHUNKS = new TupleTag<>() {};
  static final TupleTag<PredictionError> ERRORS = new TupleTag<>() {};

  /** Records read in one call before the reader hands back a checkpoint. */
  static final int RECORDS_PER_CALL = 16_384;

  private final DataFormat format;
  private final int chunkSize;
  private final Set<String> csvInputNames;

  private ReadRecords(DataFormat format, int chunkSize, Set<String> csvInputNames) {
    this.format = format;
    this.chunkSize = chunkSize;
    this.csvInputNames = csvInputNames;
  }

  static ReadRecords of(DataFormat format, int chunkSize) {
    return new ReadRecords(format, chunkSize, Set.of());
  }

  /** For CSV: a first line made only of these names is the file's header. */
  ReadRecords withCsvInputNames(Set<String> inputNames) {
    return new ReadRecords(format, chunkSize, Set.copyOf(inputNames));
  }

  @Override
  public PCollectionTuple expand(PCollection<MatchResult.Metadata> files) {
    PCollectionTuple read =
        files.apply(
            "ReadFiles",
            ParDo.of(new ReadRecordsFn(format, chunkSize, csvInputNames))
                .withOutputTags(CHUNKS, TupleTagList.of(ERRORS)));
    read.get(CHUNKS).setCoder(RecordChunk.Coder.INSTANCE);
    read.get(ERRORS).setCoder(PredictionError.Coder.INSTANCE);
    return read;
  }

  @DoFn.BoundedPerElement
  static final class ReadRecordsFn extends DoFn<MatchResult.Metadata, RecordChunk> {
    private final DataFormat format;
    private final int chunkSize;
    private final Set<String> csvInputNames;
    private final Counter instancesRead = Metrics.counter(MetricNames.NAMESPACE, MetricNames.READ);
    private final Counter errors = Metrics.counter(MetricNames.NAMESPACE, MetricNames.ERRORS);
    private final Counter workerMicros =
        Metrics.counter(MetricNames.NAMESPACE, MetricNames.WORKER_MICROS);

    ReadRecordsFn(DataFormat format, int chunkSize, Set<String> csvInputNames) {
      this.format = format;
      this.chunkSize = chunkSize;
      this.csvInputNames = csvInputNames;
    }

    @GetInitialRestriction
    public FileSpan initialRestriction() {
      return FileSpan.wholeFile();
    }

    @GetRestrictionCoder
    public FileSpan.Coder restrictionCoder() {
      return FileSpan.Coder.INSTANCE;
    }

    @NewTracker
    public FileSpan.Tracker newTracker(@Restriction FileSpan span) {
      return new FileSpan.Tracker(span);
    }

    @GetSize
    public double size(@Element MatchResult.Metadata file, @Restriction FileSpan span) {
      return Math.max(1, file.sizeBytes() - Math.min(span.offset(), file.sizeBytes()));
    }

    @ProcessElement
    public ProcessContinuation process(
        @Element MatchResult.Metadata file,
        RestrictionTracker<FileSpan, FileSpan.Claim> tracker,
        MultiOutputReceiver out)
        throws IOException {
      long started = System.nanoTime();
      FileSpan span = tracker.currentRestriction();
      String name = file.resourceId().toString();
      InputStream opened;
      List<String> csvColumns;
      try {
        csvColumns = format == DataFormat.CSV ? csvHeader(file) : List.of();
        opened = open(file, span.offset());
      } catch (IOException e) {
        // A file that cannot even be opened (say, a .gz that is not gzip) is one failed record.
        tracker.tryClaim(FileSpan.Claim.END);
        if (file.sizeBytes() > 0) {
          reportUnreadable(name, e, out);
        }
        workerMicros.inc((System.nanoTime() - started) / 1000);
        return ProcessContinuation.stop();
      }
      try (InputStream in = opened) {
        RecordReader reader =
            format.isTfRecord()
                ? RecordReader.tfRecords(in, span.offset(), span.recordsBefore())
                : RecordReader.lines(in, span.offset(), span.recordsBefore());
        int readThisCall = 0;
        while (true) {
          long chunkStart = reader.offset();
          List<RecordReader.Record> records = new ArrayList<>(chunkSize);
          RecordReader.Record record = null;
          while (records.size() < chunkSize && (record = reader.next()) != null) {
            boolean isHeader = !csvColumns.isEmpty() && record.number == 1 && record.error == null;
            if (!isHeader) {
              records.add(record);
            }
          }
          if (records.isEmpty()) {
            tracker.tryClaim(FileSpan.Claim.END);
            return ProcessContinuation.stop();
          }
          FileSpan next = new FileSpan(reader.offset(), reader.number(), span.end());
          if (!tracker.tryClaim(new FileSpan.Claim(chunkStart, next))) {
            return ProcessContinuation.stop();
          }
          emit(name, records, csvColumns, out);
          readThisCall += records.size();
          if (record == null) {
            tracker.tryClaim(FileSpan.Claim.END);
            return ProcessContinuation.stop();
          }
          if (readThisCall >= RECORDS_PER_CALL) {
            return ProcessContinuation.resume();
          }
        }
      } finally {
        workerMicros.inc((System.nanoTime() - started) / 1000);
      }
    }

    private void emit(
        String file,
        List<RecordReader.Record> records,
        List<String> csvColumns,
        MultiOutputReceiver out) {
      int good = 0;
      for (RecordReader.Record record : records) {
        if (record.error == null) {
          good++;
        }
      }
      long[] positions = new long[good];
      byte[][] payloads = new byte[good][];
      int i = 0;
      for (RecordReader.Record record : records) {
        if (record.error == null) {
          positions[i] = record.number;
          payloads[i++] = record.bytes;
        } else {
          errors.inc();
          out.get(ERRORS)
              .output(
                  new PredictionError(
                      new Position(file, record.kind, record.number),
                      PredictionError.Stage.READ,
                      Inputs.preview(record.bytes),
                      record.error));
        }
      }
      instancesRead.inc(records.size());
      if (good > 0) {
        Position.Kind kind = format.isTfRecord() ? Position.Kind.RECORD : Position.Kind.LINE;
        out.get(CHUNKS).output(new RecordChunk(file, kind, positions, payloads, csvColumns));
      }
    }

    private void reportUnreadable(String file, IOException e, MultiOutputReceiver out) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      instancesRead.inc();
      errors.inc();
      out.get(ERRORS)
          .output(
              new PredictionError(
                  new Position(file, Position.Kind.BYTE_OFFSET, 0),
                  PredictionError.Stage.READ,
                  "",
                  "Unreadable input file: " + reason));
    }

    /** The column names of the file's header line, or an empty list when it has none. */
    private List<String> csvHeader(MatchResult.Metadata file) throws IOException {
      try (InputStream in = open(file, 0)) {
        RecordReader.Record first = RecordReader.lines(in, 0, 0).next();
        if (first == null || first.error != null || first.number != 1) {
          return List.of();
        }
        List<String> cells;
        try {
          cells = CsvCells.split(first.bytes);
        } catch (IllegalArgumentException e) {
          return List.of();
        }
        boolean allInputNames = !cells.isEmpty();
        for (String cell : cells) {
          allInputNames &= csvInputNames.contains(cell.strip());
        }
        return allInputNames ? cells.stream().map(String::strip).toList() : List.of();
      }
    }

    /** The file's decoded bytes from {@code offset} on. */
    private InputStream open(MatchResult.Metadata file, long offset) throws IOException {
      String name = file.resourceId().getFilename();
      boolean compressed =
          format == DataFormat.TF_RECORD_GZIP || (name != null && name.endsWith(".gz"));
      ReadableByteChannel channel = FileSystems.open(file.resourceId());
      if (!compressed && offset > 0 && channel instanceof SeekableByteChannel) {
        ((SeekableByteChannel) channel).position(offset);
        offset = 0;
      }
      InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
      if (compressed) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      in.skipNBytes(offset);
      return in;
    }
  }
}
