package org.batchpredict.iam;

import com.google.protobuf.Timestamp;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IAM conditions: CEL expressions over the attributes of a request, compiled once and evaluated per
 * check. The variables are those IAM offers for this API:
 *
 * <ul>
 *   <li>{@code request.time}: the time of the call, a timestamp ({@code request.time <
 *       timestamp("2030-01-01T00:00:00Z")}, {@code request.time.getHours("Europe/Berlin") < 18})
 *   <li>{@code resource.name}: the job or project checked ({@code
 *       resource.name.startsWith("projects/p/jobs/nightly_")})
 *   <li>{@code resource.type}: {@code ml.googleapis.com/Job} or {@code
 *       cloudresourcemanager.googleapis.com/Project}
 *   <li>{@code resource.service}: {@code ml.googleapis.com}
 * </ul>
 *
 * The variables are typed, so an expression must be boolean and may use no other attribute: {@code
 * request.user == "x"} or {@code resource.name == 3} does not compile. One that fails to evaluate
 * (say, an unknown time zone in {@code getHours}) grants nothing.
 */
public final class Conditions {
  private static final Logger LOG = LoggerFactory.getLogger(Conditions.class);

  public static final String JOB_TYPE = "ml.googleapis.com/Job";
  public static final String PROJECT_TYPE = "cloudresourcemanager.googleapis.com/Project";
  public static final String SERVICE = "ml.googleapis.com";

  /** Compiled programs by expression; policies hold few distinct expressions. */
  private static final int MAX_CACHED = 10_000;

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .addVar("request.time", SimpleType.TIMESTAMP)
          .addVar("resource.name", SimpleType.STRING)
          .addVar("resource.type", SimpleType.STRING)
          .addVar("resource.service", SimpleType.STRING)
          .setResultType(SimpleType.BOOL)
          .build();

  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

  private Conditions() {}

  /**
   * Checks that {@code expression} is a boolean CEL expression over the IAM variables.
   *
   * @return empty when it compiles, else CEL's message (with the position of the error)
   */
  public static java.util.Optional<String> compileError(String expression) {
    try {
      program(expression);
      return java.util.Optional.empty();
    } catch (CelValidationException e) {
      return java.util.Optional.of(e.getMessage());
    } catch (RuntimeException e) {
      return java.util.Optional.of(String.valueOf(e.getMessage()));
    }
  }

  /**
   * Whether {@code expression} holds for a call at {@code time} on {@code resourceName}. False when
   * the expression does not compile, does not evaluate, or is not true.
   */
  public static boolean holds(String expression, Instant time, String resourceName) {
    CelRuntime.Program program;
    try {
      program = program(expression);
    } catch (CelValidationException | RuntimeException e) {
      LOG.debug("Condition \"{}\" does not compile, so it grants nothing", expression, e);
      return false;
    }
    Map<String, Object> variables =
        Map.of(
            "request.time",
            timestamp(time),
            "resource.name",
            resourceName,
            "resource.type",
            ResourceNames.isJob(resourceName) ? JOB_TYPE : PROJECT_TYPE,
            "resource.service",
            SERVICE);
    try {
      return Boolean.TRUE.equals(program.eval(variables));
    } catch (CelEvaluationException | RuntimeException e) {
      LOG.debug(
          "Condition \"{}\" failed to evaluate on {}, so it grants nothing",
          expression,
          resourceName,
          e);
      return false;
    }
  }

  private static CelRuntime.Program program(String expression) throws CelValidationException {
    CelRuntime.Program cached = PROGRAMS.get(expression);
    if (cached != null) {
      return cached;
    }
    CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
    CelRuntime.Program program;
    try {
      program = RUNTIME.createProgram(ast);
    } catch (CelEvaluationException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (PROGRAMS.size() >= MAX_CACHED) {
      PROGRAMS.clear();
    }
    PROGRAMS.put(expression, program);
    return program;
  }

  private static Timestamp timestamp(Instant time) {
    return Timestamp.newBuilder()
        .setSeconds(time.getEpochSecond())
        .setNanos(time.getNano())
        .build();
  }
}
