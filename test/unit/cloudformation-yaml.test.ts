import { describe, expect, it } from 'vitest';
import { parseTemplate, parseYamlTemplate, TemplateSyntaxError } from '../../src/handlers/iac/cloudformation/yaml.js';

/** CloudFormation YAML (short-form intrinsic tags included) read as the JSON value CloudFormation reads. */
describe('CloudFormation YAML templates', () => {
  it('reads block mappings, sequences, scalars and every short-form tag as its long form', () => {
    const text = `AWSTemplateFormatVersion: "2010-09-09"
Description: >-
  A bucket and
  a role # not a comment inside a block scalar
Parameters:
  Environment:
    Type: String
    AllowedValues: [test, prod]
Conditions:
  IsProd: !Equals [!Ref Environment, prod]
Resources:
  Data:   # the bucket
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'life-\${Environment}-data'
      VersioningConfiguration:
        Status: !If [IsProd, Enabled, Suspended]
      Tags:
        - Key: Project
          Value: life
        - {Key: Environment, Value: !Ref Environment}
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
        - Effect: Allow
          Principal: { Service: lambda.amazonaws.com }
          Action: sts:AssumeRole
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ['s3:GetObject', "s3:PutObject"]
                Resource:
                  - !GetAtt Data.Arn
                  - !Join
                    - ''
                    - - !GetAtt [Data, Arn]
                      - /*
      MaxSessionDuration: 3600
      Description: |
        line one
        line two
Outputs:
  Arn:
    Value: !GetAtt Worker.Arn
    Export:
      Name: !Sub
        - '\${Stack}-worker'
        - Stack: !Ref AWS::StackName
    Condition: IsProd
  Enabled: { Value: true, Other: ~, Ratio: 0.5 }
`;
    expect(parseYamlTemplate(text)).toEqual({
      AWSTemplateFormatVersion: '2010-09-09',
      Description: 'A bucket and a role # not a comment inside a block scalar',
      Parameters: { Environment: { Type: 'String', AllowedValues: ['test', 'prod'] } },
      Conditions: { IsProd: { 'Fn::Equals': [{ Ref: 'Environment' }, 'prod'] } },
      Resources: {
        Data: {
          Type: 'AWS::S3::Bucket',
          Properties: {
            BucketName: { 'Fn::Sub': 'life-${Environment}-data' },
            VersioningConfiguration: { Status: { 'Fn::If': ['IsProd', 'Enabled', 'Suspended'] } },
            Tags: [
              { Key: 'Project', Value: 'life' },
              { Key: 'Environment', Value: { Ref: 'Environment' } },
            ],
          },
        },
        Worker: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
            Policies: [
              {
                PolicyName: 'data',
                PolicyDocument: {
                  Statement: [
                    {
                      Effect: 'Allow',
                      Action: ['s3:GetObject', 's3:PutObject'],
                      Resource: [{ 'Fn::GetAtt': ['Data', 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Data', 'Arn'] }, '/*']] }],
                    },
                  ],
                },
              },
            ],
            MaxSessionDuration: 3600,
            Description: 'line one\nline two\n',
          },
        },
      },
      Outputs: {
        Arn: {
          Value: { 'Fn::GetAtt': ['Worker', 'Arn'] },
          Export: { Name: { 'Fn::Sub': ['${Stack}-worker', { Stack: { Ref: 'AWS::StackName' } }] } },
          Condition: 'IsProd',
        },
        Enabled: { Value: true, Other: null, Ratio: 0.5 },
      },
    });
  });

  it('reads quoted keys, escapes, flow collections over several lines and a document marker', () => {
    const text = `---
"Quoted Key": "tab\\there \\u00e9"
'single': 'it''s'
List: [
  a,   # first
  !Ref B,
  { C: [1, 2] }
]
Url: http://example.com/#anchor
Folded: >
  one
  two

  three
Keep: |+
  kept

Nested:
  - - x
    - y
  -
    z: 1
`;
    expect(parseYamlTemplate(text)).toEqual({
      'Quoted Key': 'tab\there é',
      single: "it's",
      List: ['a', { Ref: 'B' }, { C: [1, 2] }],
      Url: 'http://example.com/#anchor',
      Folded: 'one two\nthree\n',
      Keep: 'kept\n\n',
      Nested: [['x', 'y'], { z: 1 }],
    });
  });

  it('refuses what it does not read, naming the line', () => {
    const cases: [string, RegExp][] = [
      ['A: &x 1\nB: *x\n', /line 1: anchors/],
      ['A: 1\nA: 2\n', /line 2: duplicate key A/],
      ['A: !Bogus x\n', /line 1: unknown tag !Bogus/],
      ['A: 1\n---\nB: 2\n', /line 2: a template is one YAML document/],
      ['A:\n  - x\n   y: 1\n', /line 3/],
      ['A: "open\n', /unterminated/],
      ['A: { { B: 1 } }\n', /line 1: complex keys/],
      ['A: 1\n\tB: 2\n', /line 2: tabs/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseYamlTemplate(text), text).toThrow(TemplateSyntaxError);
      expect(() => parseYamlTemplate(text), text).toThrow(message);
    }
  });

  it('parseTemplate reads JSON exactly and says why a template is unreadable', () => {
    expect(parseTemplate('{"Resources": {"A": {"Type": "AWS::SNS::Topic"}}}')).toEqual({ template: { Resources: { A: { Type: 'AWS::SNS::Topic' } } } });
    expect(parseTemplate('{ "Resources": ')).toMatchObject({ error: expect.stringMatching(/^not valid JSON/) });
    expect(parseTemplate('Resources:\n  A: !Nope x\n')).toEqual({ error: 'not readable as YAML: line 2: unknown tag !Nope' });
  });
});
