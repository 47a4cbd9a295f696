<?php
// php comment.php SITE_DIR URL POST_ID AUTHOR TEXT [TYPE [AUTHOR_URL]]: add an approved
// comment (or, with TYPE, a pingback or trackback from AUTHOR_URL) by a visitor to the
// post; print its id.
define('ABSPATH', rtrim($argv[1], '/') . '/');
$parts = parse_url($argv[2]);
$_SERVER['HTTP_HOST'] = $parts['host'] . ':' . $parts['port'];
$_SERVER['REQUEST_URI'] = '/';
require ABSPATH . 'wp-load.php';
$type = isset($argv[6]) ? $argv[6] : 'comment';
$email = $type === 'comment' ? strtolower($argv[4]) . '@example.org' : '';
echo wp_insert_comment(wp_slash(array(
    'comment_post_ID' => (int) $argv[3], 'comment_author' => $argv[4],
    'comment_author_email' => $email, 'comment_content' => $argv[5],
    'comment_author_url' => isset($argv[7]) ? $argv[7] : '',
    'comment_approved' => 1, 'comment_type' => $type, 'user_id' => 0,
)));
