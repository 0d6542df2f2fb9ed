"""template.yaml through the SAM transform, as CloudFormation runs it, printed as JSON.

AWS::Serverless::Function becomes AWS::Lambda::Function plus an AWS::IAM::Role whose Policies
hold each function's statements, SAM policy templates (DynamoDBCrudPolicy...) expanded, and the
statements SAM adds itself (an EventInvokeConfig destination, an SQS event source). The local
runtime builds each function's local role from that role; the IAM tests read it. A template the
translator refuses exits 1 with its message: CI runs this next to cfn-lint.

Usage: python3 sam_transform.py [template.yaml] > transformed.json
"""
import json
import os
import sys

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class _NoManagedPolicies:
    """SAM asks IAM for the ARNs of AWS managed policies named by short name (Policies:
    [AmazonS3ReadOnlyAccess]). optout's functions name none, so nothing is looked up: no AWS
    account is needed to transform. A short name would then stay unresolved and fail the
    translation, which is what we want to see."""

    def load(self):
        return {}


def _as_packaged(template):
    """`sam package` uploads each local CodeUri (functions/x/target/function.jar) and writes its
    s3:// URI before CloudFormation transforms; the transform refuses a local path. Stand in a
    placeholder URI, as cfn-lint does: where the code lives changes nothing else."""
    for resource in (template.get("Resources") or {}).values():
        props = resource.get("Properties") if isinstance(resource, dict) else None
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(props, dict) \
                and isinstance(props.get("CodeUri"), str) and not props["CodeUri"].startswith("s3://"):
            props["CodeUri"] = "s3://packaged/" + props["CodeUri"]
    return template


def main(argv):
    path = argv[0] if argv else "template.yaml"
    # The translator needs a Region to pick the partition of the ARNs it writes (arn:aws:...);
    # cfn-lint sets the same variable before it transforms.
    os.environ["AWS_DEFAULT_REGION"] = os.environ.get("AWS_REGION", "us-east-1")
    with open(path, encoding="utf-8") as f:
        template = _as_packaged(yaml_parse(f.read()))
    try:
        out = transform(template, {}, _NoManagedPolicies(), feature_toggle=None)
    except InvalidDocumentException as e:
        for cause in e.causes:
            print("%s: %s" % (path, cause.message), file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, indent=1, sort_keys=False, default=str)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
