package org.batchpredict.jobs;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * The API's Job resource, field for field (see the method reference of {@code projects.jobs}).
 * int64 fields are written as JSON strings and read from strings or numbers; times are RFC 3339 in
 * UTC.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Job {
  public String jobId;
  public Instant createTime;
  public Instant startTime;
  public Instant endTime;
  public JobState state;
  public String errorMessage;
  public Map<String, String> labels;
  public PredictionInput predictionInput;
  public PredictionOutput predictionOutput;

  /** Kept only to refuse training jobs by name; this server runs prediction jobs. */
  public JsonNode trainingInput;

  public JsonNode trainingOutput;
  public String etag;

  @JsonFormat(shape = JsonFormat.Shape.STRING)
  public Long jobPosition;
}
