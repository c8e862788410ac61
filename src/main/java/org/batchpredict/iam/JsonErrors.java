package org.batchpredict.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/** Turns Jackson's errors into {@link InvalidPolicyException}s that name the field. */
final class JsonErrors {
  private JsonErrors() {}

  /**
   * The error for {@code e}, its field named from {@code root} (empty for a whole request body)
   * down the JSON path.
   */
  static InvalidPolicyException invalid(String root, JsonProcessingException e) {
    String field = root.isEmpty() ? "body" : root;
    if (e instanceof JsonMappingException mapping) {
      StringBuilder path = new StringBuilder(root);
      for (JsonMappingException.Reference reference : mapping.getPath()) {
        if (reference.getFieldName() != null) {
          path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
        } else if (reference.getIndex() >= 0) {
          path.append('[').append(reference.getIndex()).append(']');
        }
      }
      field = path.isEmpty() ? "body" : path.toString();
    }
    if (e instanceof UnrecognizedPropertyException) {
      return new InvalidPolicyException(field, "unknown field");
    }
    return new InvalidPolicyException(field, e.getOriginalMessage());
  }
}
