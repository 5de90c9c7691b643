# The demo runs against a local moto server (AWS_ENDPOINT_URL). Path-style S3 addressing,
# because bucket-name host names do not resolve on 127.0.0.1; and no account-id lookup,
# because with one the provider tags buckets through S3 Control, whose endpoint carries the
# account id as a host-name prefix (123456789012.127.0.0.1). A real project drops these.
provider "aws" {
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}
