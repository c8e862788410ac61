package org.batchpredict.iam;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * The body of {@code setIamPolicy}: {@code {"policy": {...}, "updateMask": "bindings,etag"}}. The
 * mask names the policy fields to replace ({@code bindings}, {@code etag}, {@code auditConfigs});
 * without one, {@code bindings,etag}.
 */
public final class SetIamPolicyRequest {
  public Policy policy;
  public String updateMask;

  public SetIamPolicyRequest() {}

  public SetIamPolicyRequest(Policy policy, String updateMask) {
    this.policy = policy;
    this.updateMask = updateMask;
  }

  /**
   * Reads a request body.
   *
   * @throws InvalidPolicyException naming the field that does not fit, such as {@code
   *     policy.bindings[0].rol}
   */
  public static SetIamPolicyRequest fromJson(String json) {
    try {
      SetIamPolicyRequest request = IamJson.MAPPER.readValue(json, SetIamPolicyRequest.class);
      if (request == null) {
        throw new InvalidPolicyException("policy", "the request body is empty");
      }
      return request;
    } catch (JsonProcessingException e) {
      throw JsonErrors.invalid("", e);
    }
  }
}
