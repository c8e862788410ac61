package org.batchpredict.jobs;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The {@code filter} of {@code jobs.list}, parsed into a predicate on jobs.
 *
 * <p>Grammar (after AIP-160): comparisons {@code FIELD OP VALUE} with {@code OP} one of {@code : =
 * != < <= > >=}, joined by {@code AND} (or juxtaposition), {@code OR}, {@code NOT} (or a leading
 * {@code -}) and parentheses; {@code OR} binds tighter than {@code AND}, as AIP-160 says. Fields:
 * {@code jobId}, {@code state}, {@code errorMessage}, {@code labels.KEY} (or {@code labels:KEY}),
 * {@code createTime}, {@code startTime}, {@code endTime}. A value is a bare word or a quoted
 * string; with {@code :} or {@code =}, a trailing {@code *} matches any suffix, and {@code
 * labels.KEY:*} matches any job that has the label. Times compare as RFC 3339.
 *
 * <pre>
 * jobId:census* AND state:FAILED
 * (state=SUCCEEDED OR state=FAILED) AND NOT labels.team:ml
 * createTime>"2024-01-01T00:00:00Z"
 * </pre>
 */
public final class JobFilter {
  /** A filter that breaks the grammar; {@link #position} is the 0-based offset of the culprit. */
  public static final class FilterException extends RuntimeException {
    private final int position;

    FilterException(String filter, int position, String problem) {
      super(
          "Invalid filter \""
              + filter
              + "\" at position "
              + (position + 1)
              + (position < filter.length()
                  ? " (\""
                      + filter.substring(position, Math.min(filter.length(), position + 20))
                      + "\")"
                  : " (end of filter)")
              + ": "
              + problem);
      this.position = position;
    }

    public int position() {
      return position;
    }
  }

  private enum Kind {
    WORD,
    STRING,
    OPERATOR,
    LEFT,
    RIGHT,
    END
  }

  private record Token(Kind kind, String text, int position) {}

  private static final List<String> OPERATORS = List.of("<=", ">=", "!=", ":", "=", "<", ">");
  private static final List<String> FIELDS =
      List.of("jobId", "state", "errorMessage", "labels.KEY", "createTime", "startTime", "endTime");

  private final String filter;
  private final List<Token> tokens;
  private int next;

  private JobFilter(String filter) {
    this.filter = filter;
    this.tokens = tokenize(filter);
  }

  /**
   * The predicate of a filter; an empty or null filter matches every job.
   *
   * @throws FilterException naming the position and the problem
   */
  public static Predicate<Job> parse(String filter) {
    if (filter == null || filter.isBlank()) {
      return job -> true;
    }
    JobFilter parser = new JobFilter(filter);
    Predicate<Job> predicate = parser.conjunction();
    Token rest = parser.peek();
    if (rest.kind != Kind.END) {
      throw parser.error(rest.position, "unexpected \"" + rest.text + "\"");
    }
    return predicate;
  }

  // AND binds loosest; a sequence of terms without an operator is an AND too.
  private Predicate<Job> conjunction() {
    Predicate<Job> result = disjunction();
    while (true) {
      Token token = peek();
      if (isWord(token, "AND")) {
        next++;
        result = result.and(disjunction());
      } else if (token.kind == Kind.WORD || token.kind == Kind.LEFT || token.kind == Kind.STRING) {
        result = result.and(disjunction());
      } else {
        return result;
      }
    }
  }

  private Predicate<Job> disjunction() {
    Predicate<Job> result = term();
    while (isWord(peek(), "OR")) {
      next++;
      result = result.or(term());
    }
    return result;
  }

  private Predicate<Job> term() {
    Token token = peek();
    if (isWord(token, "NOT")) {
      next++;
      return term().negate();
    }
    if (token.kind == Kind.OPERATOR && token.text.equals("-")) {
      next++;
      return term().negate();
    }
    if (token.kind == Kind.LEFT) {
      next++;
      Predicate<Job> inner = conjunction();
      Token close = peek();
      if (close.kind != Kind.RIGHT) {
        throw error(
            close.position,
            "expected \")\" to close the \"(\" at position " + (token.position + 1));
      }
      next++;
      return inner;
    }
    return comparison();
  }

  private Predicate<Job> comparison() {
    Token field = take();
    if (field.kind != Kind.WORD || isWord(field, "AND") || isWord(field, "OR")) {
      throw error(field.position, "expected a field, one of " + FIELDS);
    }
    Token operator = take();
    if (operator.kind != Kind.OPERATOR || operator.text.equals("-")) {
      throw error(
          operator.position,
          "expected an operator after " + field.text + ", one of : = != < <= > >=");
    }
    Token value = take();
    if (value.kind != Kind.WORD && value.kind != Kind.STRING) {
      throw error(value.position, "expected a value after " + field.text + operator.text);
    }
    return comparison(field, operator, value);
  }

  private Predicate<Job> comparison(Token field, Token operator, Token value) {
    String op = operator.text;
    String name = field.text;
    if (name.equals("labels") && op.equals(":")) {
      String key = value.text;
      return job -> job.labels != null && job.labels.containsKey(key);
    }
    if (name.startsWith("labels.")) {
      String key = name.substring("labels.".length());
      if (key.isEmpty()) {
        throw error(field.position, "labels. needs a label key, as in labels.team:ml");
      }
      if (op.equals(":") && value.text.equals("*") && value.kind == Kind.WORD) {
        return job -> job.labels != null && job.labels.containsKey(key);
      }
      return text(field, op, value, job -> job.labels == null ? null : job.labels.get(key));
    }
    switch (name) {
      case "jobId":
        return text(field, op, value, job -> job.jobId);
      case "errorMessage":
        return text(field, op, value, job -> job.errorMessage);
      case "state":
        return state(field, op, value);
      case "createTime":
        return time(op, value, job -> job.createTime);
      case "startTime":
        return time(op, value, job -> job.startTime);
      case "endTime":
        return time(op, value, job -> job.endTime);
      default:
        throw error(field.position, "unknown field \"" + name + "\"; use one of " + FIELDS);
    }
  }

  private Predicate<Job> text(
      Token field, String op, Token value, java.util.function.Function<Job, String> read) {
    Predicate<String> test;
    boolean wildcard = value.kind == Kind.WORD && value.text.endsWith("*");
    String expected = wildcard ? value.text.substring(0, value.text.length() - 1) : value.text;
    switch (op) {
      case ":":
      case "=":
        test = wildcard ? actual -> actual.startsWith(expected) : actual -> actual.equals(expected);
        break;
      case "!=":
        test =
            wildcard ? actual -> !actual.startsWith(expected) : actual -> !actual.equals(expected);
        break;
      default:
        int order = op.startsWith("<") ? -1 : 1;
        boolean inclusive = op.endsWith("=");
        test =
            actual -> {
              int compared = Integer.signum(actual.compareTo(value.text));
              return compared == order || (inclusive && compared == 0);
            };
    }
    return job -> {
      String actual = read.apply(job);
      return actual != null && test.test(actual);
    };
  }

  private Predicate<Job> state(Token field, String op, Token value) {
    JobState expected;
    try {
      expected = JobState.valueOf(value.text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw error(
          value.position,
          "unknown state \""
              + value.text
              + "\"; use one of "
              + Arrays.stream(JobState.values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
    switch (op) {
      case ":":
      case "=":
        return job -> job.state == expected;
      case "!=":
        return job -> job.state != expected;
      default:
        throw error(field.position, "state compares only with :, = or !=");
    }
  }

  private Predicate<Job> time(
      String op, Token value, java.util.function.Function<Job, Instant> read) {
    Instant expected;
    try {
      expected = Instant.parse(value.text);
    } catch (DateTimeParseException e) {
      throw error(
          value.position,
          "\"" + value.text + "\" is not an RFC 3339 time such as \"2024-01-31T12:00:00Z\"");
    }
    return job -> {
      Instant actual = read.apply(job);
      if (actual == null) {
        return false;
      }
      int compared = Integer.signum(actual.compareTo(expected));
      switch (op) {
        case ":":
        case "=":
          return compared == 0;
        case "!=":
          return compared != 0;
        case "<":
          return compared < 0;
        case "<=":
          return compared <= 0;
        case ">":
          return compared > 0;
        default:
          return compared >= 0;
      }
    };
  }

  private List<Token> tokenize(String text) {
    List<Token> result = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '(') {
        result.add(new Token(Kind.LEFT, "(", i++));
      } else if (c == ')') {
        result.add(new Token(Kind.RIGHT, ")", i++));
      } else if (c == '"' || c == '\'') {
        int start = i++;
        StringBuilder value = new StringBuilder();
        while (i < text.length() && text.charAt(i) != c) {
          if (text.charAt(i) == '\\' && i + 1 < text.length()) {
            i++;
          }
          value.append(text.charAt(i++));
        }
        if (i >= text.length()) {
          throw error(start, "the quoted string is not closed");
        }
        i++;
        result.add(new Token(Kind.STRING, value.toString(), start));
      } else if (c == '-'
          && (result.isEmpty() || result.get(result.size() - 1).kind != Kind.OPERATOR)) {
        result.add(new Token(Kind.OPERATOR, "-", i++));
      } else {
        String operator = operatorAt(text, i);
        if (operator != null) {
          result.add(new Token(Kind.OPERATOR, operator, i));
          i += operator.length();
        } else {
          // A value right after an operator may hold ':' (an unquoted time).
          Token last = result.isEmpty() ? null : result.get(result.size() - 1);
          boolean isValue = last != null && last.kind == Kind.OPERATOR && !last.text.equals("-");
          int start = i;
          while (i < text.length()
              && !Character.isWhitespace(text.charAt(i))
              && "()\"'".indexOf(text.charAt(i)) < 0
              && (isValue || operatorAt(text, i) == null)) {
            i++;
          }
          result.add(new Token(Kind.WORD, text.substring(start, i), start));
        }
      }
    }
    result.add(new Token(Kind.END, "", text.length()));
    return result;
  }

  private static String operatorAt(String text, int i) {
    for (String operator : OPERATORS) {
      if (text.startsWith(operator, i)) {
        return operator;
      }
    }
    return null;
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token take() {
    Token token = tokens.get(next);
    if (token.kind != Kind.END) {
      next++;
    }
    return token;
  }

  private static boolean isWord(Token token, String word) {
    return token.kind == Kind.WORD && token.text.equals(word);
  }

  private FilterException error(int position, String problem) {
    return new FilterException(filter, position, problem);
  }
}
