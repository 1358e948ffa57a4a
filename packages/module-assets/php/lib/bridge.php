<?php
namespace CommitmentForecaster;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * One call to the bridge. Returns array(status, body, contentType, contentDisposition) on an HTTP
 * answer, or array(0, curl errno, curl message) when there was none. TLS is always verified and
 * redirects are never followed, so the Authorization header cannot be replayed to another host.
 * `$raw` (array('type' => ..., 'body' => ...)) is sent as the body instead of JSON: an upload's
 * multipart form, a CSV file.
 */
function bridge_call(array $settings, $method, $pathAndQuery, $jsonBody = null, array $extraHeaders = array(), $raw = null, $accept = 'application/json')
{
    $ch = curl_init($settings['bridgeUrl'] . $pathAndQuery);
    $disposition = '';
    $headers = array(
        'Authorization: Bearer ' . $settings['bridgeToken'],
        'Accept: ' . $accept,
        'User-Agent: commitment-forecaster-whmcs/' . MODULE_VERSION,
    );
    // Header values passed their operation's anchored pattern (no line breaks can get through).
    foreach ($extraHeaders as $name => $value) {
        $headers[] = $name . ': ' . $value;
    }
    $options = array(
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HEADER => false,
        CURLOPT_FOLLOWLOCATION => false,
        CURLOPT_SSL_VERIFYPEER => true,
        CURLOPT_SSL_VERIFYHOST => 2,
        CURLOPT_CONNECTTIMEOUT => min(5, $settings['timeout']),
        CURLOPT_TIMEOUT => $settings['timeout'],
        CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_HEADERFUNCTION => function ($ch, $line) use (&$disposition) {
            if (stripos($line, 'Content-Disposition:') === 0) {
                $disposition = trim(substr($line, strlen('Content-Disposition:')));
            }
            return strlen($line);
        },
    );
    if ($raw !== null) {
        $headers[] = 'Content-Type: ' . $raw['type'];
        $options[CURLOPT_POSTFIELDS] = $raw['body'];
    } elseif (in_array($method, array('POST', 'PUT', 'PATCH'), true)) {
        $headers[] = 'Content-Type: application/json';
        // An empty PHP array would be sent as [] where the bridge expects an object.
        $options[CURLOPT_POSTFIELDS] = json_encode(empty($jsonBody) ? new \stdClass() : $jsonBody, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    }
    $options[CURLOPT_HTTPHEADER] = $headers;
    curl_setopt_array($ch, $options);
    $body = curl_exec($ch);
    if ($body === false) {
        $result = array(0, curl_errno($ch), curl_error($ch));
    } else {
        $result = array(
            (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE),
            (string) $body,
            (string) curl_getinfo($ch, CURLINFO_CONTENT_TYPE),
            $disposition,
        );
    }
    curl_close($ch);
    return $result;
}

/** Whether the configured URL is one the module may call: http(s), a host, no credentials in it. */
function bridge_url_usable($url)
{
    if ($url === '') {
        return false;
    }
    $parts = parse_url($url);
    return is_array($parts)
        && isset($parts['scheme'], $parts['host'])
        && in_array(strtolower($parts['scheme']), array('http', 'https'), true)
        && !isset($parts['user'])
        && !isset($parts['pass'])
        && !isset($parts['query'])
        && !isset($parts['fragment']);
}

/**
 * A bridge answer the browser may see, or a proxy error instead: a refused token, an answer
 * that is not JSON, or no answer at all. Returns array(status, array|string body).
 */
function bridge_result(array $settings, array $answer)
{
    $status = $answer[0];
    $body = $answer[1];
    $info = $answer[2];
    if ($status === 0) {
        $url = bridge_display_url($settings['bridgeUrl']);
        if ($body === 28) {
            return proxy_error('bridge_timeout', array('url' => $url, 'seconds' => $settings['timeout']));
        }
        if (in_array($body, array(35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91), true)) {
            return proxy_error('bridge_tls_failed', array('reason' => $info));
        }
        return proxy_error('bridge_unreachable', array('url' => $url, 'reason' => $info));
    }
    if ($status === 401) {
        return proxy_error('bridge_token_refused', array());
    }
    $json = stripos($info, 'application/json') === 0 ? json_decode($body, true) : null;
    if (!is_array($json)) {
        return proxy_error('bridge_bad_response', array('status' => $status));
    }
    // The bridge never echoes a token; this keeps that true even if one ever did.
    if (strlen($settings['bridgeToken']) >= 8 && strpos($body, $settings['bridgeToken']) !== false) {
        $body = str_replace($settings['bridgeToken'], '[redacted]', $body);
    }
    return array($status, $body);
}

/** The bridge's URL without anything secret-looking, for messages. */
function bridge_display_url($url)
{
    $parts = parse_url($url);
    if (!is_array($parts) || !isset($parts['host'])) {
        return '(an unusable URL)';
    }
    return (isset($parts['scheme']) ? $parts['scheme'] : 'http') . '://' . $parts['host']
        . (isset($parts['port']) ? ':' . $parts['port'] : '');
}
