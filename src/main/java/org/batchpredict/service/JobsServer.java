package org.batchpredict.service;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.batchpredict.iam.AccessConfig;
import org.batchpredict.iam.AccessControl;
import org.batchpredict.iam.Authenticator;
import org.batchpredict.iam.JdbcAuditLog;
import org.batchpredict.jobs.JobQueue;
import org.batchpredict.jobs.JobStore;
import org.batchpredict.jobs.ModelRegistry;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs service: the job store, the job queue and the HTTP API, started and stopped together.
 *
 * <pre>
 * JobsServer server = JobsServer.start(new JobsServer.Config(...));
 * // clients use http://127.0.0.1:{server.port()}/
 * server.close();
 * </pre>
 */
public final class JobsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobsServer.class);

  /**
   * What the service runs with.
   *
   * @param bindAddress the address to listen on, such as 127.0.0.1
   * @param port the port, 0 for any free one
   * @param dataDirectory holds the embedded database
   * @param databaseUrl a JDBC URL, or null for the embedded database in {@code dataDirectory}
   * @param databaseUser null when the URL carries the credentials or needs none
   * @param maxConcurrentJobs how many jobs run at once
   * @param modelRegistry the root of the model registry
   * @param pipelineArgs Beam pipeline options for every job, such as {@code --runner=FlinkRunner}
   * @param progressInterval how often a running job's counts are written
   * @param accessConfig the access configuration ({@code access.json}: tokens, roles, project
   *     policies), or null for none: then every caller is the local owner, on loopback only
   */
  public record Config(
      String bindAddress,
      int port,
      Path dataDirectory,
      String databaseUrl,
      String databaseUser,
      String databasePassword,
      int maxConcurrentJobs,
      Path modelRegistry,
      List<String> pipelineArgs,
      Duration progressInterval,
      Path accessConfig) {}

  private final JobStore store;
  private final JobQueue queue;
  private final Server server;

  private JobsServer(JobStore store, JobQueue queue, Server server) {
    this.store = store;
    this.queue = queue;
    this.server = server;
  }

  /**
   * Reads the access configuration, opens the store, recovers and starts the queue, and starts
   * serving.
   *
   * @throws IllegalArgumentException when the pipeline options or the bind address are not valid
   * @throws org.batchpredict.iam.InvalidPolicyException when the access configuration is not
   * @throws IllegalStateException when asked to listen beyond loopback without bearer tokens
   */
  public static JobsServer start(Config config) throws Exception {
    String[] args = config.pipelineArgs().toArray(String[]::new);
    PipelineOptionsFactory.fromArgs(args).create(); // Fails now, not with the first job.
    Supplier<PipelineOptions> options = () -> PipelineOptionsFactory.fromArgs(args).create();

    // Access control first: a server that must not start does not touch the database.
    AccessConfig accessConfig =
        config.accessConfig() == null
            ? AccessConfig.localDefault()
            : AccessConfig.load(config.accessConfig());
    InetAddress bindAddress;
    try {
      bindAddress = InetAddress.getByName(config.bindAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "Cannot resolve the bind address \"" + config.bindAddress() + "\"", e);
    }
    Authenticator authenticator = Authenticator.forServer(bindAddress, accessConfig.tokens());

    Files.createDirectories(config.dataDirectory());
    String url =
        config.databaseUrl() == null
            ? JobStore.defaultUrl(config.dataDirectory())
            : config.databaseUrl();
    JobStore store = JobStore.open(url, config.databaseUser(), config.databasePassword());
    ModelRegistry registry = new ModelRegistry(config.modelRegistry());
    JobQueue queue =
        new JobQueue(
            store, registry, options, config.maxConcurrentJobs(), config.progressInterval());
    Server server = new Server();
    try {
      queue.start();
      ServerConnector connector = new ServerConnector(server);
      connector.setHost(config.bindAddress());
      connector.setPort(config.port());
      server.addConnector(connector);
      JobPolicyStore policies = new JobPolicyStore(store);
      AccessControl access =
          new AccessControl(accessConfig, policies, policies::exists, Clock.systemUTC());
      server.setHandler(
          new ApiHandler(
              new JobsApi(store, queue, registry, access),
              authenticator,
              new JdbcAuditLog(store.dataSource()),
              Clock.systemUTC()));
      server.setStopTimeout(5_000);
      server.start();
    } catch (Exception e) {
      server.stop();
      queue.close();
      store.close();
      throw e;
    }
    JobsServer started = new JobsServer(store, queue, server);
    LOG.info(
        "Jobs service listening on http://{}:{}/ (database {}, {} job(s) at once, models in {},"
            + " access {})",
        config.bindAddress(),
        started.port(),
        url,
        config.maxConcurrentJobs(),
        registry.root(),
        config.accessConfig() == null ? "local owner only" : config.accessConfig());
    return started;
  }

  /** The port the service listens on. */
  public int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  public InetSocketAddress address() {
    ServerConnector connector = (ServerConnector) server.getConnectors()[0];
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Stops serving, stops the running jobs (they run again at the next start), closes the store. */
  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      try {
        queue.close();
      } finally {
        store.close();
      }
    }
  }
}
