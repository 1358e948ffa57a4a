<?php
namespace CommitmentForecaster;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/** A proxy error: array(status, envelope) with the message's placeholders filled. */
function proxy_error($code, array $values)
{
    $errors = proxy_errors();
    $entry = $errors[$code];
    $message = preg_replace_callback('/\{([a-z]+)\}/', function ($m) use ($values) {
        return array_key_exists($m[1], $values) ? (string) $values[$m[1]] : $m[0];
    }, $entry['message']);
    return array($entry['status'], array('error' => array(
        'code' => $code,
        'message' => $message,
        'fix' => $entry['fix'],
        'details' => null,
        'requestId' => null,
    )));
}

/**
 * Checks an operation's parameters and builds the bridge call: array('ok' => true, 'path' =>
 * '/v1/…?…', 'body' => array|null) or array('ok' => false, 'error' => proxy_error(...)). Only the
 * parameters the operation lists are read; anything else the browser sent is dropped.
 */
function resolve_call(array $operation, array $input)
{
    $path = $operation['path'];
    $query = array();
    $body = array();
    $headers = array();
    foreach ($operation['params'] as $param) {
        $name = $param['name'];
        $value = isset($input[$name]) ? $input[$name] : null;
        if ($value === null || $value === '') {
            if ($param['required']) {
                return array('ok' => false, 'error' => proxy_error('invalid_request', array('param' => $name, 'problem' => 'is required')));
            }
            continue;
        }
        $items = $param['list'] ? explode(',', $value) : array($value);
        if (count($items) > 100) {
            return array('ok' => false, 'error' => proxy_error('invalid_request', array('param' => $name, 'problem' => 'at most 100 values')));
        }
        foreach ($items as $item) {
            if (!preg_match('/^(?:' . $param['pattern'] . ')$/D', $item)) {
                return array('ok' => false, 'error' => proxy_error('invalid_request', array(
                    'param' => $name,
                    'problem' => json_encode($item, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES) . ' is not an accepted value',
                )));
            }
        }
        if ($param['in'] === 'path') {
            $path = str_replace('{' . $name . '}', rawurlencode($value), $path);
        } elseif ($param['in'] === 'query') {
            $query[$name] = $value;
        } elseif ($param['in'] === 'header') {
            $headers[$param['header']] = $value;
        } elseif ($param['json'] === 'object') {
            $fields = object_fields($value, $param['fields']);
            if (is_string($fields)) {
                return array('ok' => false, 'error' => proxy_error('invalid_request', array('param' => $name, 'problem' => $fields)));
            }
            $body = array_merge($body, $fields);
        } elseif ($param['json'] === 'integer') {
            $body[$name] = (int) $value;
        } elseif ($param['json'] === 'boolean') {
            $body[$name] = $value === 'true';
        } else {
            $body[$name] = $value;
        }
    }
    if ($query) {
        $path .= '?' . http_build_query($query, '', '&', PHP_QUERY_RFC3986);
    }
    $hasBody = in_array($operation['method'], array('POST', 'PUT', 'PATCH'), true);
    return array('ok' => true, 'path' => $path, 'body' => $hasBody ? $body : null, 'headers' => $headers);
}

/**
 * The allowed top-level fields of a JSON object given as text, or why it is not one. Nested
 * values stay objects (stdClass), so they are sent on as JSON objects, empty ones included.
 */
function object_fields($text, array $fields)
{
    $decoded = json_decode($text);
    if ($decoded === null && json_last_error() !== JSON_ERROR_NONE) {
        return 'is not JSON';
    }
    if (!is_object($decoded)) {
        return 'must be a JSON object';
    }
    $kept = array();
    foreach (get_object_vars($decoded) as $key => $value) {
        if (in_array((string) $key, $fields, true)) {
            $kept[$key] = $value;
        }
    }
    return $kept;
}

/**
 * `addonmodules.php?module=commitment_forecaster&action=api&op=<op>`: runs one allow-listed
 * operation and answers JSON, then ends the request (WHMCS must not wrap it in its page).
 */
function handle_api_request(array $vars)
{
    while (ob_get_level() > 0) {
        ob_end_clean();
    }
    $settings = settings($vars);
    $op = (string) input('op');
    $operations = operations();
    if (!isset($operations[$op])) {
        send_json(proxy_error('unknown_operation', array('op' => $op)));
    }
    $operation = $operations[$op];
    $method = isset($_SERVER['REQUEST_METHOD']) ? strtoupper($_SERVER['REQUEST_METHOD']) : 'GET';
    $expected = $operation['kind'] === 'read' ? 'GET' : 'POST';
    if ($method !== $expected) {
        send_json(proxy_error('method_not_allowed', array('op' => $op, 'method' => $expected)));
    }
    if (!empty($operation['upload'])) {
        $tooLarge = upload_over_post_limit();
        if ($tooLarge !== null) {
            send_json($tooLarge);
        }
    }
    if ($expected === 'POST') {
        // A token in the query string is not accepted: it must come in the posted form.
        $token = input('token', $_POST);
        if ($token === null || !hash_equals((string) generate_token('plain'), $token)) {
            send_json(proxy_error('csrf_failed', array()));
        }
    }
    if ($operation['kind'] === 'write' && !admin_may_write($settings)) {
        send_json(proxy_error('forbidden_role', array()));
    }
    $input = array();
    foreach ($operation['params'] as $param) {
        $input[$param['name']] = input($param['name'], $expected === 'POST' ? $_POST : $_GET);
    }
    $call = resolve_call($operation, $input);
    if (!$call['ok']) {
        send_json($call['error']);
    }
    $raw = null;
    if (!empty($operation['upload'])) {
        $upload = upload_body($operation);
        if (!$upload['ok']) {
            send_json($upload['error']);
        }
        $raw = $upload['raw'];
    }
    if (!bridge_url_usable($settings['bridgeUrl']) || $settings['bridgeToken'] === '') {
        send_json(proxy_error('bridge_not_configured', array()));
    }
    // WHMCS keeps the admin's session locked while an addon page runs: release it, or a slow
    // bridge would block every other page this admin opens meanwhile.
    if (session_status() === PHP_SESSION_ACTIVE) {
        session_write_close();
    }
    $isFile = $operation['answer'] === 'file';
    $answer = bridge_call($settings, $operation['method'], $call['path'], $call['body'], $call['headers'], $raw, $isFile ? '*/*' : 'application/json');
    $file = $isFile ? file_answer($settings, $answer) : null;
    if ($file !== null) {
        send_file($file);
    }
    $result = bridge_result($settings, $answer);
    if ($result[0] >= 500 || $answer[0] === 401) {
        log_call($settings, $op, $call, $answer, $result);
    }
    send_json($result);
}

/** Writes a failed call to WHMCS's Module Log (when the admin has it on), the token masked. */
function log_call(array $settings, $op, array $call, array $answer, array $result)
{
    if (function_exists('logModuleCall')) {
        logModuleCall(MODULE_NAME, $op, $call['path'], is_string($answer[1]) ? $answer[1] : $answer[2], $result[1], array($settings['bridgeToken']));
    }
}

/** Answers array(status, body) as JSON and ends the request. */
function send_json(array $result)
{
    list($status, $body) = $result;
    if (!headers_sent()) {
        http_response_code($status);
        header('Content-Type: application/json; charset=utf-8');
        header('Cache-Control: no-store');
        header('X-Content-Type-Options: nosniff');
    }
    echo is_string($body) ? $body : json_encode($body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    exit;
}
