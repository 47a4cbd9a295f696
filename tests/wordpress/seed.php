<?php
// Seeds the test site: two posts by ana, one by bo, comments, threaded replies (some by ana),
// a pingback and a trackback from other sites, a pingback from the site itself, a comment
// awaiting moderation, a spam comment, and an Application Password for ana. Prints JSON:
// {"user_id", "app_password", "posts": {name: id}, "comments": {name: id}}.
$ana = get_user_by('login', 'ana');
$bo_id = wp_insert_user(array(
    'user_login' => 'bo', 'user_pass' => 'bo-login-pass', 'user_email' => 'bo@kind.example',
    'display_name' => 'Bo Chen', 'role' => 'author',
));
$home = home_url();
$minute = 0;
function at($minute) {
    return gmdate('Y-m-d H:i:s', gmmktime(9, 0, 0, 11, 20, 2026) + 60 * $minute);
}
function post($title, $content, $author, $minute) {
    return wp_insert_post(array(
        'post_title' => $title, 'post_content' => $content, 'post_status' => 'publish',
        'post_author' => $author, 'post_date_gmt' => at($minute), 'post_date' => at($minute),
        'comment_status' => 'open', 'ping_status' => 'open',
    ));
}
$posts = array(
    'tiny' => post('Ten tiny kindnesses', '<p>Hold the door. Say thank you &amp; mean it.</p>', $ana->ID, 0),
    'small' => post('Small acts, big ripples', '<p>A note on a colleague\'s desk.</p>', $ana->ID, 10),
    'bo' => post('My first zine', '<p>Printed at the library.</p>', $bo_id, 20),
);
$comments = array();
function comment($post, $minute, $fields) {
    $base = array(
        'comment_post_ID' => $post, 'comment_date' => at($minute), 'comment_date_gmt' => at($minute),
        'comment_approved' => 1, 'comment_type' => 'comment', 'comment_parent' => 0, 'user_id' => 0,
        'comment_author_email' => '', 'comment_author_url' => '',
    );
    return wp_insert_comment(wp_slash(array_merge($base, $fields)));
}
function by_ana($post, $minute, $parent, $text) {
    global $ana;
    return comment($post, $minute, array(
        'comment_parent' => $parent, 'user_id' => $ana->ID, 'comment_author' => 'Ana Lima',
        'comment_author_email' => 'ana@kind.example', 'comment_content' => $text,
    ));
}
$c = &$comments;
$c['ben'] = comment($posts['tiny'], 30, array('comment_author' => 'Ben', 'comment_author_email' => 'ben@example.org', 'comment_content' => 'This made my morning. Thank you!'));
$c['cleo'] = comment($posts['tiny'], 31, array('comment_author' => 'Cleo', 'comment_author_email' => 'cleo@example.org', 'comment_content' => 'I tried number four today & it worked.'));
$c['ana_cleo'] = by_ana($posts['tiny'], 32, $c['cleo'], 'So glad, Cleo!');
$c['dee'] = comment($posts['tiny'], 33, array('comment_parent' => $c['ana_cleo'], 'comment_author' => 'Dee', 'comment_author_url' => 'https://dee.example/', 'comment_content' => 'Same here, it is such a small thing.'));
// Two at the same second, so paging must not lose either.
$c['ping'] = comment($posts['tiny'], 34, array('comment_type' => 'pingback', 'comment_author' => 'Gentle Links Weekly', 'comment_author_url' => 'https://links.example/12/', 'comment_content' => '[...] ten tiny kindnesses [...]'));
$c['track'] = comment($posts['tiny'], 34, array('comment_type' => 'trackback', 'comment_author' => 'Small Acts Journal', 'comment_author_url' => 'https://journal.example/roundup/', 'comment_content' => 'A roundup of kindness.'));
$c['selfping'] = comment($posts['tiny'], 35, array('comment_type' => 'pingback', 'comment_author' => 'Kind Corner', 'comment_author_url' => $home . '/small-acts-big-ripples/', 'comment_content' => '[...] as in my last post [...]'));
$c['eli'] = comment($posts['tiny'], 36, array('comment_author' => 'Eli', 'comment_author_email' => 'eli@example.org', 'comment_content' => "Idea: let's all leave a kind note for a neighbour this week!"));
$c['fay'] = comment($posts['tiny'], 37, array('comment_approved' => 0, 'comment_author' => 'Fay', 'comment_author_email' => 'fay@example.org', 'comment_content' => 'Waiting in moderation, but kind.'));
$c['spam'] = comment($posts['tiny'], 38, array('comment_approved' => 'spam', 'comment_author' => 'Cheap pills', 'comment_content' => 'Buy now'));
$c['gus'] = comment($posts['small'], 40, array('comment_author' => 'Gus', 'comment_author_email' => 'gus@example.org', 'comment_content' => 'Lovely idea for the office.'));
$c['ana_gus'] = by_ana($posts['small'], 41, $c['gus'], 'Thank you, Gus.');
$c['hal'] = comment($posts['bo'], 42, array('comment_author' => 'Hal', 'comment_author_email' => 'hal@example.org', 'comment_content' => 'Congratulations on the zine!'));
list($password, $item) = WP_Application_Passwords::create_new_application_password($ana->ID, array('name' => 'cyberkind tests'));
echo json_encode(array(
    'user_id' => $ana->ID, 'app_password' => $password, 'posts' => $posts, 'comments' => $comments,
));
