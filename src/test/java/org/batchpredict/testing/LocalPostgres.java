package org.batchpredict.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL server for one test class: a fresh cluster in a temporary directory,
 * listening on a free loopback port, removed at {@link #close}. Uses the PostgreSQL 15 server that
 * this machine kind has installed ({@code /usr/lib/postgresql/15/bin}); when the tests run as root,
 * the server runs as the {@code postgres} user, since PostgreSQL refuses to run as root.
 */
public final class LocalPostgres implements AutoCloseable {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private final Path directory;
  private final int port;
  private final boolean asPostgresUser;

  private LocalPostgres(Path directory, int port, boolean asPostgresUser) {
    this.directory = directory;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Whether a PostgreSQL server can be started here. */
  public static boolean isInstalled() {
    return Files.isExecutable(BIN.resolve("postgres"));
  }

  /** Creates a cluster (user {@code postgres}, trust authentication on loopback) and starts it. */
  public static LocalPostgres start() throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path directory = Files.createTempDirectory("batch-predict-pg-");
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    LocalPostgres server = new LocalPostgres(directory, port, root);
    Path data = directory.resolve("data");
    server.run(
        "initdb",
        "-D",
        data.toString(),
        "-U",
        "postgres",
        "--auth=trust",
        "--no-sync",
        "-E",
        "UTF8");
    server.run(
        "pg_ctl",
        "-D",
        data.toString(),
        "-l",
        directory.resolve("server.log").toString(),
        "-o",
        "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off",
        "-w",
        "start");
    return server;
  }

  /** A JDBC URL for the cluster's {@code postgres} database, user {@code postgres}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      run("pg_ctl", "-D", directory.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } finally {
      try (var files = Files.walk(directory)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private void run(String program, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (asPostgresUser) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(BIN.resolve(program).toString());
    command.addAll(List.of(args));
    Path log = directory.resolve(program + ".out");
    Process process =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed:\n" + Files.readString(log));
    }
  }
}
