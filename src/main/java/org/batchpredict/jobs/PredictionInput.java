package org.batchpredict.jobs;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The {@code predictionInput} of a Job: what to predict on, with which model, and where to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class PredictionInput {
  public String dataFormat;
  public String outputDataFormat;
  public List<String> inputPaths;
  public String outputPath;
  public String region;
  public String runtimeVersion;
  public String uri;
  public String modelName;
  public String versionName;
  public String signatureName;

  @JsonFormat(shape = JsonFormat.Shape.STRING)
  public Long batchSize;

  @JsonFormat(shape = JsonFormat.Shape.STRING)
  public Long maxWorkerCount;
}
