export { errorCodes, type ErrorCode, type ErrorCodeInfo } from './codes.js';
export { GatewayError, isGatewayError, toGatewayError, type GatewayErrorOptions, type UpstreamErrorDetail } from './gateway-error.js';
