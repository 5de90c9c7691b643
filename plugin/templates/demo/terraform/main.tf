# The sample project `npm run demo` deploys: a small app's storage and messaging, named by
# faber-cloud's naming pattern {project}-{subsystem}-{environment}-{resource}.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "project" {
  type    = string
  default = "demo"
}

variable "subsystem" {
  type    = string
  default = "core"
}

locals {
  environment = terraform.workspace
  prefix      = "${var.project}-${var.subsystem}-${local.environment}"
  tags = {
    Project     = var.project
    Environment = local.environment
    ManagedBy   = "faber-cloud"
  }
}

resource "aws_s3_bucket" "uploads" {
  bucket = "${local.prefix}-uploads"
  tags   = local.tags
}

resource "aws_sns_topic" "events" {
  name = "${local.prefix}-events"
  tags = local.tags
}

resource "aws_dynamodb_table" "items" {
  name         = "${local.prefix}-items"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  tags = local.tags
}

# Named by the pattern like the rest: faber-cloud grants the deploy identity access to the
# environment's names only ({project}-{subsystem}-{environment}-*).
resource "aws_cloudwatch_log_group" "app" {
  name              = "${local.prefix}-app"
  retention_in_days = 14
  tags              = local.tags
}

resource "aws_iam_role" "worker" {
  name = "${local.prefix}-worker"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
  tags = local.tags
}

output "bucket" {
  value = aws_s3_bucket.uploads.bucket
}

output "topic_arn" {
  value = aws_sns_topic.events.arn
}
