package org.batchpredict.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.beam.sdk.transforms.splittabledofn.SplitResult;
import org.junit.jupiter.api.Test;

class FileSpanTest {
  @Test
  void aCheckpointResumesAtTheBoundaryAfterTheLastClaimWithItsRecordCount() {
    FileSpan.Tracker tracker = new FileSpan.Tracker(FileSpan.wholeFile());
    assertThat(tracker.tryClaim(claim(0, 100, 10))).isTrue();
    assertThat(tracker.tryClaim(claim(100, 250, 20))).isTrue();

    SplitResult<FileSpan> split = tracker.trySplit(0);

    assertThat(split.getPrimary()).isEqualTo(new FileSpan(0, 0, 250));
    assertThat(split.getResidual()).isEqualTo(new FileSpan(250, 20, Long.MAX_VALUE));
    assertThat(tracker.tryClaim(claim(250, 300, 25))).isFalse();
    tracker.checkDone();
  }

  @Test
  void onlyCheckpointsSplitAndNothingSplitsAfterTheEnd() {
    FileSpan.Tracker tracker = new FileSpan.Tracker(FileSpan.wholeFile());
    tracker.tryClaim(claim(0, 100, 10));

    assertThat(tracker.trySplit(0.5)).isNull();
    assertThat(tracker.tryClaim(FileSpan.Claim.END)).isFalse();
    assertThat(tracker.trySplit(0)).isNull();
    tracker.checkDone();
  }

  @Test
  void stoppingBeforeTheEndWithoutASplitIsAnError() {
    FileSpan.Tracker tracker = new FileSpan.Tracker(FileSpan.wholeFile());
    tracker.tryClaim(claim(0, 100, 10));

    assertThatThrownBy(tracker::checkDone).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void theResidualOfACheckpointReadsToTheEnd() {
    FileSpan.Tracker tracker = new FileSpan.Tracker(new FileSpan(250, 20, Long.MAX_VALUE));

    assertThat(tracker.tryClaim(claim(250, 300, 25))).isTrue();
    assertThat(tracker.tryClaim(FileSpan.Claim.END)).isFalse();
    tracker.checkDone();
  }

  private static FileSpan.Claim claim(long offset, long nextOffset, long recordsBefore) {
    return new FileSpan.Claim(offset, new FileSpan(nextOffset, recordsBefore, Long.MAX_VALUE));
  }
}
