package org.batchpredict.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.batchpredict.iam.InvalidPolicyException;
import org.batchpredict.service.JobsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code serve}: runs the jobs service, the ml v1 {@code projects.jobs} API, until stopped.
 *
 * <p>Jobs are kept in an embedded database in {@code --data-dir} unless {@code --database-url}
 * names another; any other {@code --name=value} is a Beam pipeline option for every job, such as
 * {@code --runner=FlinkRunner}. {@code --access-config} names the bearer tokens and policies;
 * without it every request acts as the local owner, which {@code serve} allows on loopback only.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Runs the jobs service (the ml v1 projects.jobs REST API).")
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "The port to listen on (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--data-dir",
      defaultValue = "data",
      description = "Where the embedded job database lives (default: ./${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--database-url",
      description =
          "A JDBC URL for the job database, such as jdbc:postgresql://host/jobs "
              + "(default: an H2 file in --data-dir).")
  String databaseUrl;

  @Option(names = "--database-user", description = "The database user, if the URL has none.")
  String databaseUser;

  @Option(
      names = "--database-password",
      description = "The database password (or set BATCH_PREDICT_DATABASE_PASSWORD).")
  String databasePassword;

  @Option(
      names = "--max-concurrent-jobs",
      defaultValue = "1",
      description = "How many jobs run at once (default: ${DEFAULT-VALUE}).")
  int maxConcurrentJobs;

  @Option(
      names = "--model-registry",
      defaultValue = "models",
      description = "The root of the model registry (default: ${DEFAULT-VALUE}).")
  Path modelRegistry;

  @Option(
      names = "--progress-interval",
      defaultValue = "PT2S",
      description = "How often a running job's counts are updated (default: ${DEFAULT-VALUE}).")
  Duration progressInterval;

  @Option(
      names = "--access-config",
      paramLabel = "FILE",
      description =
          "The access configuration (access.json: bearer tokens, custom roles, project policies)."
              + " Without one every request acts as the local owner, and the service listens on"
              + " loopback only.")
  Path accessConfig;

  @Unmatched List<String> pipelineArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (maxConcurrentJobs < 1) {
      err.println("--max-concurrent-jobs must be at least 1, got " + maxConcurrentJobs);
      return 2;
    }
    String password =
        databasePassword != null
            ? databasePassword
            : System.getenv("BATCH_PREDICT_DATABASE_PASSWORD");
    JobsServer server;
    try {
      server =
          JobsServer.start(
              new JobsServer.Config(
                  bind,
                  port,
                  dataDir,
                  databaseUrl,
                  databaseUser,
                  password,
                  maxConcurrentJobs,
                  modelRegistry,
                  pipelineArgs,
                  progressInterval,
                  accessConfig));
    } catch (IllegalArgumentException e) {
      err.println("Invalid option: " + e.getMessage());
      return 2;
    } catch (InvalidPolicyException e) {
      err.println("Invalid access configuration: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      err.println(e.getMessage());
      return 2;
    }
    Thread stopper =
        new Thread(
            () -> {
              try {
                server.close();
              } catch (Exception e) {
                System.err.println("Stopping the service failed: " + e);
              }
            },
            "serve-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    server.join();
    return 0;
  }
}
