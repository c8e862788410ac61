package org.batchpredict.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.batchpredict.iam.TokenStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hash-token}: prints the SHA-256 of a bearer token for the token file. Reads the token from
 * stdin, so it stays out of the shell history; {@code --new} makes a fresh random token instead and
 * prints it above its hash.
 *
 * <pre>
 * batch-predict hash-token &lt; alice.token
 * batch-predict hash-token --new
 * </pre>
 */
@Command(
    name = "hash-token",
    mixinStandardHelpOptions = true,
    description = "Prints the SHA-256 of a bearer token read from stdin, for the token file.")
final class HashTokenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--new", description = "Make a new random token and print it and its hash.")
  boolean generate;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    String token;
    if (generate) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      out.println("token:  " + token);
      out.println("sha256: " + TokenStore.sha256Hex(token));
    } else {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      token = line == null ? "" : line.strip();
      if (token.isEmpty()) {
        spec.commandLine().getErr().println("No token on stdin: pipe the token in, or use --new.");
        return 2;
      }
      out.println(TokenStore.sha256Hex(token));
    }
    out.flush();
    return 0;
  }
}
