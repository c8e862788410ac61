package org.batchpredict.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code testIamPermissions}: {@code {"permissions": ["ml.jobs.get", ...]}}. The names
 * themselves are checked by {@link AccessControl#testIamPermissions}.
 */
public final class TestIamPermissionsRequest {
  public List<String> permissions = new ArrayList<>();

  /**
   * Reads a request body; an empty one asks about no permission.
   *
   * @throws InvalidPolicyException naming the field that does not fit, such as {@code permission}
   */
  public static TestIamPermissionsRequest fromJson(String json) {
    try {
      TestIamPermissionsRequest request =
          IamJson.MAPPER.readValue(json, TestIamPermissionsRequest.class);
      if (request == null) {
        return new TestIamPermissionsRequest();
      }
      if (request.permissions == null) {
        request.permissions = new ArrayList<>();
      }
      return request;
    } catch (JsonProcessingException e) {
      throw JsonErrors.invalid("", e);
    }
  }
}
