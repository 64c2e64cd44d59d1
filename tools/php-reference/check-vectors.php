<?php
// Recomputes the signing vectors of freedompay-sign/tests/vectors/sign/ with PHP itself:
// the form is decoded by parse_str (as a PHP server decodes a POST), flattened the way the
// reference PG_Signature class does (name . %03d position, pg_sig skipped after counting),
// sorted with ksort and hashed with md5.
//
//   php -d max_input_vars=100000 tools/php-reference/check-vectors.php [--fill] FILE...
//
// Prints OK or MISMATCH per file with the computed canonical string and signature. With
// --fill, writes PHP's canonical string and signature into the files, so a new vector is
// filled in from PHP rather than from the code under test.

function flatten(array $params, string $parent = ''): array
{
    $flat = [];
    $position = 0;
    foreach ($params as $key => $value) {
        $position++;
        if ('pg_sig' == $key) {
            continue;
        }
        $name = $parent . $key . sprintf('%03d', $position);
        if (is_array($value)) {
            $flat = array_merge($flat, flatten($value, $name));
            continue;
        }
        $flat += [$name => (string) $value];
    }
    return $flat;
}

function read_vector(string $path): array
{
    $vector = ['fields' => []];
    $in_fields = false;
    foreach (explode("\n", rtrim(file_get_contents($path), "\n")) as $line) {
        if ($in_fields) {
            $vector['fields'][] = $line;
        } elseif ($line === 'fields:') {
            $in_fields = true;
        } elseif ($line !== '' && $line[0] !== '#') {
            [$k, $v] = explode(': ', $line, 2) + [1 => ''];
            $vector[$k] = $v;
        }
    }
    return $vector;
}

$status = 0;
$files = array_slice($argv, 1);
$fill = ($files[0] ?? '') === '--fill';
if ($fill) {
    array_shift($files);
}
foreach ($files as $path) {
    $vector = read_vector($path);
    $pairs = [];
    foreach ($vector['fields'] as $line) {
        [$name, $value] = explode('=', $line, 2);
        $pairs[] = $name . '=' . rawurlencode($value);
    }
    parse_str(implode('&', $pairs), $params);
    $flat = flatten($params);
    ksort($flat);
    array_unshift($flat, $vector['script']);
    $flat[] = $vector['secret'];
    $canonical = implode(';', $flat);
    $sig = md5($canonical);
    $ok = ($vector['canonical'] ?? '') === $canonical && ($vector['signature'] ?? '') === $sig;
    if ($fill && !$ok) {
        $text = file_get_contents($path);
        $text = preg_replace('/^canonical: .*$/m', 'canonical: ' . str_replace(['\\', '$'], ['\\\\', '\\$'], $canonical), $text, 1);
        $text = preg_replace('/^signature: .*$/m', 'signature: ' . $sig, $text, 1);
        file_put_contents($path, $text);
        $ok = true;
    }
    if (!$ok) {
        $status = 1;
    }
    printf("%s %s\n  canonical: %s\n  signature: %s\n", $ok ? 'OK' : 'MISMATCH', $path, $canonical, $sig);
}
exit($status);
