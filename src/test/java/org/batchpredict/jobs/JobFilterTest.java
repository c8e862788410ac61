package org.batchpredict.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class JobFilterTest {
  private static final List<Job> JOBS =
      List.of(
          job("census_a", JobState.FAILED, Map.of("team", "ml"), "2024-01-01T00:00:00Z"),
          job("census_b", JobState.SUCCEEDED, Map.of("team", "ops"), "2024-02-01T00:00:00Z"),
          job("rnn_1", JobState.FAILED, Map.of(), "2024-03-01T00:00:00Z"));

  @Test
  void colonWithTrailingStarMatchesPrefix() {
    assertThat(matching("jobId:census*")).containsExactly("census_a", "census_b");
  }

  @Test
  void andOrNotAndParenthesesCombine() {
    assertThat(matching("jobId:census* AND state:FAILED")).containsExactly("census_a");
    assertThat(matching("jobId=rnn_1 OR labels.team=ops")).containsExactly("census_b", "rnn_1");
    assertThat(matching("NOT (state=FAILED AND labels.team:*)"))
        .containsExactly("census_b", "rnn_1");
    assertThat(matching("-jobId:census*")).containsExactly("rnn_1");
    assertThat(matching("state=FAILED jobId:rnn*")).containsExactly("rnn_1");
  }

  @Test
  void timesCompareAsInstants() {
    assertThat(matching("createTime>\"2024-01-15T00:00:00Z\" AND createTime<=2024-02-01T00:00:00Z"))
        .containsExactly("census_b");
  }

  @Test
  void errorsPointAtTheBadPart() {
    assertThatThrownBy(() -> JobFilter.parse("state:FAILED AND color:red"))
        .isInstanceOf(JobFilter.FilterException.class)
        .hasMessageContaining("position 18")
        .hasMessageContaining("unknown field \"color\"");
    assertThatThrownBy(() -> JobFilter.parse("(state:FAILED"))
        .hasMessageContaining("expected \")\"");
    assertThatThrownBy(() -> JobFilter.parse("state:DONE")).hasMessageContaining("unknown state");
    assertThatThrownBy(() -> JobFilter.parse("createTime>yesterday"))
        .hasMessageContaining("RFC 3339");
    assertThatThrownBy(() -> JobFilter.parse("jobId")).hasMessageContaining("expected an operator");
  }

  @Test
  void pageTokenRoundTripsAndIsTiedToItsFilter() {
    String token = PageToken.encode(42, "state:FAILED");

    assertThat(PageToken.decode(token, "state:FAILED")).isEqualTo(42);
    assertThatThrownBy(() -> PageToken.decode(token, "state:SUCCEEDED"))
        .hasMessageContaining("another filter");
    assertThatThrownBy(() -> PageToken.decode("garbage!", null))
        .hasMessageContaining("Invalid pageToken");
  }

  private static List<String> matching(String filter) {
    Predicate<Job> predicate = JobFilter.parse(filter);
    return JOBS.stream().filter(predicate).map(job -> job.jobId).toList();
  }

  private static Job job(String id, JobState state, Map<String, String> labels, String created) {
    Job job = new Job();
    job.jobId = id;
    job.state = state;
    job.labels = labels;
    job.createTime = Instant.parse(created);
    return job;
  }
}
