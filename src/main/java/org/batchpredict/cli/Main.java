package org.batchpredict.cli;

import org.batchpredict.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code batch-predict} command.
 *
 * <pre>
 * java -jar target/batch-predict.jar predict --job pipelines/census-json.json
 * java -jar target/batch-predict.jar serve
 * java -jar target/batch-predict.jar audit --data-dir data --since 1h
 * java -jar target/batch-predict.jar hash-token --new
 * </pre>
 */
@Command(
    name = "batch-predict",
    mixinStandardHelpOptions = true,
    version = "batch-predict 0.1.0",
    description = "Batch prediction with TensorFlow SavedModels on Apache Beam.",
    subcommands = {
      PredictCommand.class,
      ServeCommand.class,
      AuditCommand.class,
      HashTokenCommand.class,
      BenchCommand.class
    })
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
  }
}
