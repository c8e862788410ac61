package org.batchpredict.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code fields} query parameter of Google APIs: a selector such as {@code
 * jobs(jobId,state),nextPageToken} or {@code predictionInput/dataFormat} that keeps only the named
 * parts of a response.
 */
final class PartialResponse {
  private final Map<String, PartialResponse> children = new LinkedHashMap<>();
  private final String text;
  private int next;

  private PartialResponse(String text) {
    this.text = text;
  }

  /**
   * Keeps the parts of {@code response} that {@code selector} names.
   *
   * @throws ApiException INVALID_ARGUMENT for a selector that does not parse
   */
  static JsonNode select(JsonNode response, String selector) {
    if (selector == null || selector.isBlank() || selector.strip().equals("*")) {
      return response;
    }
    PartialResponse root = new PartialResponse(selector.replace(" ", ""));
    root.parseList(root);
    if (root.next != root.text.length()) {
      throw root.error();
    }
    return root.apply(response);
  }

  private void parseList(PartialResponse into) {
    do {
      parseItem(into);
    } while (accept(','));
  }

  private void parseItem(PartialResponse into) {
    PartialResponse node = into;
    do {
      String name = name();
      node = node.children.computeIfAbsent(name, unused -> new PartialResponse(text));
    } while (accept('/'));
    if (accept('(')) {
      parseList(node);
      if (!accept(')')) {
        throw error();
      }
    }
  }

  private String name() {
    int start = next;
    while (next < text.length() && ",/()".indexOf(text.charAt(next)) < 0) {
      next++;
    }
    if (start == next) {
      throw error();
    }
    return text.substring(start, next);
  }

  private boolean accept(char c) {
    if (next < text.length() && text.charAt(next) == c) {
      next++;
      return true;
    }
    return false;
  }

  private ApiException error() {
    return new ApiException(
        ApiException.Status.INVALID_ARGUMENT,
        "Invalid fields selector \""
            + text
            + "\" at position "
            + (next + 1)
            + ": use names separated by commas, / for subfields and (...) for lists",
        "fields");
  }

  private JsonNode apply(JsonNode node) {
    if (children.isEmpty()) {
      return node;
    }
    if (node.isArray()) {
      ArrayNode result = ((ArrayNode) node).arrayNode();
      node.forEach(element -> result.add(apply(element)));
      return result;
    }
    if (!node.isObject()) {
      return node;
    }
    ObjectNode result = ((ObjectNode) node).objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      PartialResponse child = children.get(field.getKey());
      if (child != null) {
        result.set(field.getKey(), child.apply(field.getValue()));
      }
    }
    return result;
  }
}
