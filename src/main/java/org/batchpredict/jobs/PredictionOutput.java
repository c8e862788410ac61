package org.batchpredict.jobs;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The {@code predictionOutput} of a Job: where the results went and how many there are. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class PredictionOutput {
  public String outputPath;

  @JsonFormat(shape = JsonFormat.Shape.STRING)
  public Long predictionCount;

  @JsonFormat(shape = JsonFormat.Shape.STRING)
  public Long errorCount;

  public Double nodeHours;
}
