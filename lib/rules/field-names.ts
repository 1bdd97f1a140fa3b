/**
 * Go-style field names accepted as aliases of the JSON names. kube-auditing
 * evaluates the internal `audit.Event` struct, so its rules say `Verb` and
 * `ObjectRef.Resource`; kubernetes-event-exporter templates say
 * `InvolvedObject.Name`. A segment is renamed only where the struct has that
 * field, so label keys and request bodies keep their exact case.
 */
import type { PathSegment } from './ast.js';

interface Schema {
  [goName: string]: { json: string; children?: Schema };
}

const userInfo: Schema = {
  Username: { json: 'username' },
  UID: { json: 'uid' },
  Groups: { json: 'groups' },
  Extra: { json: 'extra' },
};

const objectReference: Schema = {
  Resource: { json: 'resource' },
  Namespace: { json: 'namespace' },
  Name: { json: 'name' },
  UID: { json: 'uid' },
  APIGroup: { json: 'apiGroup' },
  APIVersion: { json: 'apiVersion' },
  ResourceVersion: { json: 'resourceVersion' },
  Subresource: { json: 'subresource' },
  Kind: { json: 'kind' },
  FieldPath: { json: 'fieldPath' },
  Labels: { json: 'labels' },
  Annotations: { json: 'annotations' },
};

const status: Schema = {
  Code: { json: 'code' },
  Status: { json: 'status' },
  Reason: { json: 'reason' },
  Message: { json: 'message' },
  Metadata: { json: 'metadata' },
};

const objectMeta: Schema = {
  Name: { json: 'name' },
  Namespace: { json: 'namespace' },
  UID: { json: 'uid' },
  Labels: { json: 'labels' },
  Annotations: { json: 'annotations' },
  CreationTimestamp: { json: 'creationTimestamp' },
  ResourceVersion: { json: 'resourceVersion' },
};

/** Top-level fields of audit.k8s.io Event, core/v1 Event and events.k8s.io/v1 Event. */
const root: Schema = {
  // audit.Event
  Level: { json: 'level' },
  AuditID: { json: 'auditID' },
  Stage: { json: 'stage' },
  RequestURI: { json: 'requestURI' },
  Verb: { json: 'verb' },
  User: { json: 'user', children: userInfo },
  ImpersonatedUser: { json: 'impersonatedUser', children: userInfo },
  SourceIPs: { json: 'sourceIPs' },
  UserAgent: { json: 'userAgent' },
  ObjectRef: { json: 'objectRef', children: objectReference },
  ResponseStatus: { json: 'responseStatus', children: status },
  RequestObject: { json: 'requestObject' },
  ResponseObject: { json: 'responseObject' },
  RequestReceivedTimestamp: { json: 'requestReceivedTimestamp' },
  StageTimestamp: { json: 'stageTimestamp' },
  Annotations: { json: 'annotations' },
  // KubeSphere's additions to audit events
  Workspace: { json: 'workspace' },
  Cluster: { json: 'cluster' },
  // core/v1 Event
  Metadata: { json: 'metadata', children: objectMeta },
  ObjectMeta: { json: 'metadata', children: objectMeta },
  InvolvedObject: { json: 'involvedObject', children: objectReference },
  Reason: { json: 'reason' },
  Message: { json: 'message' },
  Source: { json: 'source', children: { Component: { json: 'component' }, Host: { json: 'host' } } },
  FirstTimestamp: { json: 'firstTimestamp' },
  LastTimestamp: { json: 'lastTimestamp' },
  Count: { json: 'count' },
  Type: { json: 'type' },
  EventTime: { json: 'eventTime' },
  Series: { json: 'series', children: { Count: { json: 'count' }, LastObservedTime: { json: 'lastObservedTime' } } },
  Action: { json: 'action' },
  Related: { json: 'related', children: objectReference },
  ReportingController: { json: 'reportingComponent' },
  ReportingComponent: { json: 'reportingComponent' },
  ReportingInstance: { json: 'reportingInstance' },
  // events.k8s.io/v1 Event
  Regarding: { json: 'regarding', children: objectReference },
  Note: { json: 'note' },
  // kubernetes-event-exporter EnhancedEvent
  ClusterName: { json: 'clusterName' },
};

/**
 * Rewrites the Go-cased segments of a path to their JSON names. Segments
 * written in JSON case pass through and keep the schema position, so
 * `User.username` (kube-auditing's shipped alias) and `user.Username` both work.
 */
export function toJsonFieldNames(segments: readonly PathSegment[]): PathSegment[] {
  let schema: Schema | undefined = root;
  return segments.map((segment) => {
    if (segment.type !== 'key' || schema === undefined) {
      if (segment.type === 'key') schema = undefined;
      return segment;
    }
    const direct: Schema[string] | undefined = Object.hasOwn(schema, segment.key) ? schema[segment.key] : undefined;
    const byJson = direct ?? Object.values(schema).find((field) => field.json === segment.key);
    schema = byJson?.children;
    return byJson === undefined ? segment : { type: 'key', key: byJson.json };
  });
}

/** Whether a word names a top-level field of the signals rules read (Go or JSON case). */
export function isTopLevelField(name: string): boolean {
  return Object.hasOwn(root, name) || Object.values(root).some((field) => field.json === name);
}
