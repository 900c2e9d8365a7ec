export { installVersityGw, VersityGw } from "./install-versitygw.ts";
export { type S3Server, type StartS3ServerParameters, startS3Server } from "./start-s3-server.ts";
